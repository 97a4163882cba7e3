"""Task rows left "running" by a worker that died.

The database task queue marks a row RUNNING when a worker takes it and FAILED or SUCCESSFUL
when the task ends; a worker killed in between leaves the row RUNNING for ever. Workers started
with `manage.py task_worker` (db_worker with a heartbeat) touch a file named after their id
every HEARTBEAT_EVERY seconds; `manage.py recover_tasks --loop` marks FAILED, with the reason,
every running row whose worker's heartbeat is older than WORK_LEASE_SECONDS. The work itself is
recovered by each capability's check-up (texts, uploads, imports), which leases it separately.
A row taken by a worker without a heartbeat (plain db_worker) is left alone: it cannot be told
from a long task.
"""

import logging
import re
import threading
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 10.0
WORKER_LOST = "doorstep.core.task_recovery.WorkerLost"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def heartbeat_dir() -> Path:
    return Path(settings.DATA_DIR) / "workers"


def _heartbeat_file(worker_id: str) -> Path | None:
    return heartbeat_dir() / worker_id if _SAFE_ID.match(worker_id or "") else None


def beat(worker_id: str) -> None:
    path = _heartbeat_file(worker_id)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


def start_heartbeat(worker_id: str, every: float = HEARTBEAT_EVERY) -> threading.Event:
    """Beat now and then every `every` seconds in a daemon thread; set the event to stop."""
    stop = threading.Event()
    beat(worker_id)

    def run() -> None:
        while not stop.wait(every):
            try:
                beat(worker_id)
            except OSError as error:  # a full disk must not stop the worker's tasks
                log.warning("Worker heartbeat not written: %s", error)

    threading.Thread(target=run, name="worker-heartbeat", daemon=True).start()
    return stop


def last_beat(worker_id: str) -> datetime | None:
    path = _heartbeat_file(worker_id)
    if path is None or not path.exists():
        return None
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())


def _lease() -> timedelta:
    return timedelta(seconds=settings.WORK_LEASE_SECONDS)


def worker_is_gone(worker_id: str, now: datetime) -> bool:
    """A worker with a heartbeat that stopped beating; False for one never seen."""
    beaten = last_beat(worker_id)
    return beaten is not None and beaten < now - _lease()


def fail_abandoned_task_rows(now: datetime | None = None) -> int:
    """Mark FAILED every running task row whose worker died; returns how many."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "pk", "worker_ids", "task_path"
    )
    failed = 0
    for pk, worker_ids, task_path in list(running[:500]):
        worker_id = (worker_ids or [""])[-1]
        if not worker_is_gone(worker_id, now):
            continue
        reason = (
            f"The worker {worker_id} running {task_path} stopped (no heartbeat for "
            f"{settings.WORK_LEASE_SECONDS:g} seconds); the check-ups recover its work."
        )
        failed += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_LOST,
            traceback=reason,
            return_value=None,
        )
        log.warning(reason)
    return failed
