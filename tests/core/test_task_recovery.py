"""Task rows left running by a worker that died are marked failed, with the reason; rows of a
worker still beating, or of one without a heartbeat, are left alone."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doorstep.core import task_recovery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.WORK_LEASE_SECONDS = 45


def _running_row(worker_id: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {"job_id": 1}},
        task_path="doorstep.residents.tasks.import_task",
        worker_ids=[worker_id],
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now(),
    )


def _age_heartbeat(worker_id: str, seconds: float) -> None:
    path = task_recovery.heartbeat_dir() / worker_id
    when = (timezone.now() - datetime.timedelta(seconds=seconds)).timestamp()
    os.utime(path, (when, when))


def test_a_dead_workers_row_is_failed_with_the_reason():
    task_recovery.beat("dead")
    _age_heartbeat("dead", 60)
    row = _running_row("dead")
    call_command("recover_tasks", verbosity=0)
    row.refresh_from_db()
    assert row.status == "FAILED" and row.finished_at is not None
    assert row.exception_class_path == task_recovery.WORKER_LOST
    assert "stopped" in row.traceback and "import_task" in row.traceback
    assert task_recovery.fail_abandoned_task_rows() == 0  # once


def test_a_beating_worker_or_one_without_a_heartbeat_keeps_its_row():
    task_recovery.beat("alive")
    _age_heartbeat("alive", 20)
    alive = _running_row("alive")
    unknown = _running_row("plain-db-worker")
    assert task_recovery.fail_abandoned_task_rows() == 0
    for row in (alive, unknown):
        row.refresh_from_db()
        assert row.status == "RUNNING"


def test_the_heartbeat_names_only_safe_files():
    task_recovery.beat("../escape")
    assert not list(task_recovery.heartbeat_dir().parent.glob("escape"))
    assert task_recovery.last_beat("../escape") is None
