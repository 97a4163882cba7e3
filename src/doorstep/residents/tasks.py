"""Background work for residents. Tasks take ids and call services; each is safe to run twice."""

from datetime import datetime

from django_tasks import task

from . import importing


@task()
def import_task(job_id: int) -> None:
    """Import one uploaded CSV file (an ImportJob waiting to start)."""
    importing.run_import_job(job_id=job_id)


def requeue_interrupted_imports(now: datetime | None = None) -> int:
    """Queue again imports whose worker died mid-way or whose task was lost; run every 15
    seconds by `manage.py residents_sweep --loop`. The import carries on where it stopped."""
    released = importing.release_interrupted_imports(now)
    for job_id in released:
        import_task.enqueue(job_id=job_id)
    return len(released)
