"""An import whose worker died carries on: the worker renews a lease while it imports, and the
check-up (`manage.py residents_sweep --loop`) queues again a job whose lease ran out."""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from doorstep.residents import importing, tasks
from doorstep.residents.models import ImportJob, Resident

from .test_import import csv_text, good_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _rows(count: int) -> list[dict[str, str]]:
    return [good_row(source_id=str(n), first_name=f"Person{n}", phone="") for n in range(count)]


def _job(administrator, rows, **fields) -> ImportJob:
    job = ImportJob.objects.create(source="Academy", created_by=administrator, **fields)
    job.file.save("residents.csv", importing.ContentFile(csv_text(*rows).encode()))
    return job


def test_a_job_whose_lease_ran_out_is_queued_again_and_carries_on(
    administrator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rows = _rows(5)
    importing.import_rows(
        importing.parse_csv(csv_text(*rows[:2]).encode()), source="Academy", actor=None
    )
    job = _job(
        administrator,
        rows,
        status=ImportJob.Status.RUNNING,
        total_rows=5,
        processed_rows=2,
        created_count=2,
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert tasks.requeue_interrupted_imports() == 1
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == (ImportJob.Status.DONE, 5, 5)
    assert Resident.objects.count() == 5


def test_a_job_still_renewing_its_lease_is_left_alone(administrator):
    job = _job(
        administrator,
        _rows(1),
        status=ImportJob.Status.RUNNING,
        lease_until=timezone.now() + datetime.timedelta(seconds=30),
    )
    assert tasks.requeue_interrupted_imports() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING


def test_a_waiting_job_whose_task_was_lost_is_queued_again_once_a_lease(administrator, settings):
    old = timezone.now() - datetime.timedelta(minutes=5)
    job = _job(administrator, _rows(1), created_at=old)
    assert importing.release_interrupted_imports() == [job.pk]
    assert importing.release_interrupted_imports() == []  # leased: not again at once


def test_running_renews_the_lease(administrator):
    job = _job(administrator, _rows(3))
    importing.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.lease_until is not None


# --- A worker killed mid-import, as deployed (SQLite file, separate processes) ---------------

only_sqlite_pass = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite pass of the suite"
)

START_IMPORT = """
import sys, django
django.setup()
from django.db import transaction
from doorstep.residents import importing, tasks
from doorstep.residents.models import ImportJob
job = ImportJob.objects.create(source="Academy")
job.file.save("big.csv", importing.ContentFile(open(sys.argv[1], "rb").read()))
job.total_rows = int(sys.argv[2]); job.save()
print(job.pk)
"""

READ_JOB = """
import sys, django
django.setup()
from doorstep.residents.models import ImportJob, Resident
job = ImportJob.objects.get(pk=int(sys.argv[1]))
print(job.status, job.processed_rows, job.created_count, Resident.objects.count())
"""

RUNNING_TASK_ROWS = """
import django
django.setup()
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.filter(status="RUNNING").count(),
      DBTaskResult.objects.filter(exception_class_path__endswith="WorkerLost").count())
"""


@pytest.fixture
def site(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "TASKS_BACKEND")
    }
    env.update(
        DOORSTEP_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="doorstep.settings",
        LOG_LEVEL="ERROR",
        WORK_LEASE_SECONDS="6",
    )
    subprocess.run(  # noqa: S603 - this interpreter, our arguments
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"], env=env, check=True
    )
    return env


def _python(env, code: str, *args) -> str:
    return subprocess.run(  # noqa: S603 - this interpreter, our arguments
        [sys.executable, "-c", code, *map(str, args)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _start(env, *command) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - this interpreter, our arguments
        [sys.executable, "-m", "django", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(env, job_id: int, done, deadline_seconds: float = 240) -> list[str]:
    deadline = time.monotonic() + deadline_seconds
    while True:
        state = _python(env, READ_JOB, job_id).split()
        if done(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


@only_sqlite_pass
def test_an_import_whose_worker_is_killed_finishes(site, tmp_path):
    env = site
    rows = 1500
    source = tmp_path / "big.csv"
    source.write_text(csv_text(*_rows(rows)))
    job_id = int(_python(env, START_IMPORT, source, rows))
    worker = _start(
        env, "task_worker", "--queue-name", "default", "--interval", "0.2", "--no-reload"
    )
    sweep = recover = None
    try:
        _python(
            env,
            "import django; django.setup(); from doorstep.residents.tasks import import_task; "
            f"import_task.enqueue(job_id={job_id})",
        )
        state = _wait_for(env, job_id, lambda s: int(s[1]) >= 100)
        assert state[0] == "running", state
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        interrupted = _python(env, READ_JOB, job_id).split()
        assert interrupted[0] == "running" and int(interrupted[1]) < rows, interrupted
        worker = _start(
            env, "task_worker", "--queue-name", "default", "--interval", "0.2", "--no-reload"
        )
        sweep = _start(env, "residents_sweep", "--loop", "2")
        recover = _start(env, "recover_tasks", "--loop", "2")
        state = _wait_for(env, job_id, lambda s: s[0] in ("done", "failed"))
        deadline = time.monotonic() + 60
        while _python(env, RUNNING_TASK_ROWS) != "0 1" and time.monotonic() < deadline:
            time.sleep(0.5)
        # The row the killed worker had taken is failed with the reason, none is left running.
        assert _python(env, RUNNING_TASK_ROWS) == "0 1"
    finally:
        for process in (worker, sweep, recover):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    status, processed, created, residents = state
    assert (status, int(processed), int(residents)) == ("done", rows, rows), state
    # Rows imported after the last saved count ran again and changed nothing, so they count
    # as unchanged rather than created: nothing is lost or made twice.
    assert rows - importing.PROGRESS_EVERY <= int(created) <= rows
