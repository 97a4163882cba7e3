"""An upload whose task was lost with its worker is queued again within a minute, and a file
waiting behind a long queue is not queued over and over."""

from datetime import timedelta

import pytest
from django.utils import timezone

from doorstep.evidence import services, tasks
from doorstep.evidence.models import UploadedFile

from . import hostile
from . import requests_support as support
from .requests_support import ask

amina = support.amina
own_cache = support.own_cache
payslips = support.payslips

pytestmark = pytest.mark.usefixtures("texting_any_time", "own_cache")

SWEEP_EVERY = 15  # scripts/run.sh


@pytest.fixture(autouse=True)
def _fresh_sweep(monkeypatch):
    monkeypatch.setattr(tasks, "_requeued", {})


@pytest.fixture
def uploaded(officer, amina, payslips):
    document = ask(officer, amina, payslips).evidence_request.items.get()
    sample = hostile.png_photo()
    return services.upload_file(document=document, filename=sample.name, data=sample.data)


def test_a_lost_upload_is_queued_again_within_a_minute(uploaded, run_tasks):
    assert tasks.STUCK_AFTER.total_seconds() + SWEEP_EVERY <= 60
    soon = timezone.now() + tasks.STUCK_AFTER + timedelta(seconds=1)
    assert tasks.requeue_stuck_uploads(soon) == 1
    run_tasks()
    uploaded.refresh_from_db()
    assert uploaded.status == UploadedFile.Status.READY


def test_a_waiting_upload_is_queued_again_at_most_once_a_lease(uploaded):
    first = timezone.now() + tasks.STUCK_AFTER + timedelta(seconds=1)
    assert tasks.requeue_stuck_uploads(first) == 1
    assert tasks.requeue_stuck_uploads(first + timedelta(seconds=SWEEP_EVERY)) == 0
    assert tasks.requeue_stuck_uploads(first + tasks.STUCK_AFTER + timedelta(seconds=1)) == 1
