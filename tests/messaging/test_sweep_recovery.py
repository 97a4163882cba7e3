"""A group text whose dispatch task died is sent by the sweep within a lease, and one whose
dispatch is still sending is left to it; the defaults recover lost work within a minute."""

from datetime import timedelta

import pytest
from django.utils import timezone

from doorstep import settings as defaults
from doorstep.messaging import services
from doorstep.messaging import sweep as sweeping
from doorstep.messaging.models import Cohort, Message
from doorstep.messaging.sweep import sweep

pytestmark = pytest.mark.django_db

SWEEP_EVERY = 15  # scripts/run.sh


@pytest.fixture(autouse=True)
def _fresh_sweep(monkeypatch):
    monkeypatch.setattr(sweeping, "_taken_over", set())


@pytest.fixture
def group_text(textable_resident, officer):
    cohort = Cohort.objects.create(name="Rent change", body="Your rent changes", status="queued")
    texts = [
        services.send_message(resident=textable_resident, actor=officer, body=f"Rent change {n}")
        for n in range(2)
    ]
    overdue = timezone.now() - timedelta(seconds=defaults.SMS_LOST_TASK_SECONDS + 1)
    Message.objects.filter(pk__in=[t.pk for t in texts]).update(cohort=cohort, send_after=overdue)
    return cohort, texts


def test_the_defaults_recover_lost_work_within_a_minute():
    assert defaults.SMS_LOST_TASK_SECONDS + SWEEP_EVERY <= 60
    assert defaults.SMS_SEND_LEASE_SECONDS + SWEEP_EVERY <= 60
    assert defaults.WORK_LEASE_SECONDS + SWEEP_EVERY <= 60
    assert f"--loop {SWEEP_EVERY}" in (defaults.REPO_DIR / "scripts" / "run.sh").read_text()


def test_a_group_text_whose_dispatch_died_is_sent_by_the_sweep(settings, group_text):
    settings.SMS_LOST_TASK_SECONDS = defaults.SMS_LOST_TASK_SECONDS
    _, texts = group_text
    assert sweep().resent == 2
    for text in texts:
        text.refresh_from_db()
        assert text.status in {Message.Status.SENT, Message.Status.DELIVERED}


def test_a_group_text_still_being_sent_is_left_to_its_dispatch(settings, group_text):
    settings.SMS_LOST_TASK_SECONDS = defaults.SMS_LOST_TASK_SECONDS
    cohort, texts = group_text
    Message.objects.filter(pk=texts[0].pk).update(
        status=Message.Status.SENT, sending_at=timezone.now() - timedelta(seconds=5)
    )
    assert sweep().resent == 0
    texts[1].refresh_from_db()
    assert texts[1].status == Message.Status.QUEUED
    # Once the dispatch has been quiet for a lease, the sweep sends what it left.
    later = timezone.now() + timedelta(seconds=defaults.SMS_SEND_LEASE_SECONDS + 1)
    assert sweep(now=later).resent == 1
    texts[1].refresh_from_db()
    assert texts[1].status in {Message.Status.SENT, Message.Status.DELIVERED}
