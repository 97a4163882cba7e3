"""Background work: checking uploads, and deleting files once their retention period ends.

Each task takes ids and runs one action (processing.py, retention.py), both
safe to run twice and to be killed at any point. When clamd cannot be reached a file is tried
again a little later; a file stuck in "received" (its task lost with a worker) is queued again
by `requeue_stuck_uploads`, run every 15 seconds by `manage.py evidence_sweep --loop`.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from . import processing, queries, retention

# When clamd cannot be reached, try again after this long (and the sweep catches the rest).
SCAN_RETRY_AFTER = timedelta(minutes=5)
# A "received" file this old lost its task (its worker died, or the queue lost it): the sweep,
# run every 15 seconds, queues it again, at most once a STUCK_AFTER per file, so a file
# waiting behind a long queue is not queued over and over. A second run of a file is harmless
# (processing.py), so a slow check running meanwhile loses nothing.
STUCK_AFTER = timedelta(seconds=45)
BATCH = 200
# When this sweep process last queued each stuck file again.
_requeued: dict[int, datetime] = {}


def enqueue_processing(file_id: int, run_after: datetime | None = None) -> None:
    if run_after is not None and run_after > timezone.now():
        process_upload_task.using(run_after=run_after).enqueue(file_id=file_id)
    else:
        process_upload_task.enqueue(file_id=file_id)


@task()
def process_upload_task(file_id: int) -> str:
    return process_file(file_id)


def process_file(file_id: int) -> str:
    """Check one uploaded file (see `processing.process_file`); when the virus scanner cannot
    be reached, queue it again for SCAN_RETRY_AFTER from now."""
    outcome = processing.process_file(file_id)
    if outcome == processing.RETRY:
        enqueue_processing(file_id, timezone.now() + SCAN_RETRY_AFTER)
    return outcome


def _queued_lately(file_id: int, now: datetime) -> bool:
    last = _requeued.get(file_id)
    return last is not None and now - STUCK_AFTER < last <= now


def requeue_stuck_uploads(now: datetime | None = None) -> int:
    """Queue again every file still "received" long after it arrived (its task was lost),
    unless this sweep queued it again within the last STUCK_AFTER."""
    now = now or timezone.now()
    stuck = queries.stuck_upload_ids(now, older_than=STUCK_AFTER, limit=BATCH)
    for file_id in set(_requeued) - set(stuck):
        del _requeued[file_id]  # checked since, or removed
    due = [file_id for file_id in stuck if not _queued_lately(file_id, now)]
    for file_id in due:
        enqueue_processing(file_id)
        _requeued[file_id] = now
    return len(due)


@task()
def delete_files_task(document_id: int) -> int:
    purged = retention.delete_files(document_id=document_id)
    return purged.files if purged else 0
