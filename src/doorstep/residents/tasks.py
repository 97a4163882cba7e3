"""Background work for residents. Tasks take ids and call services; each is safe to run twice."""

from django_tasks import task

from . import importing


@task()
def import_task(job_id: int) -> None:
    """Import one uploaded CSV file (an ImportJob waiting to start)."""
    importing.run_import_job(job_id=job_id)
