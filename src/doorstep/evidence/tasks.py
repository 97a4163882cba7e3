"""Background work: checking uploads, and deleting files once their retention period ends.

Each task takes ids and runs one action (processing.py, retention.py), both
safe to run twice and to be killed at any point. When clamd cannot be reached a file is tried
again a little later; a file stuck in "received" (its task lost with a worker) is queued again
by `requeue_stuck_uploads`, run by `manage.py evidence_sweep`.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from . import processing, queries, retention

# When clamd cannot be reached, try again after this long (and the sweep catches the rest).
SCAN_RETRY_AFTER = timedelta(minutes=5)
# A "received" file untouched this long lost its task: the sweep queues it again.
STUCK_AFTER = timedelta(minutes=10)
BATCH = 200


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


def requeue_stuck_uploads(now: datetime | None = None) -> int:
    """Queue again every file still "received" long after it arrived (its task was lost)."""
    stuck = queries.stuck_upload_ids(now or timezone.now(), older_than=STUCK_AFTER, limit=BATCH)
    for file_id in stuck:
        enqueue_processing(file_id)
    return len(stuck)


@task()
def delete_files_task(document_id: int) -> int:
    purged = retention.delete_files(document_id=document_id)
    return purged.files if purged else 0
