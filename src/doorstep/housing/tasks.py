"""Background work for housing. Safe to run twice: a recompute replaces the whole table."""

from django_tasks import task

from . import recompute


@task()
def recompute_estimates_task() -> None:
    """Work out every band x bedroom estimate again after an upload."""
    recompute.recompute_estimates()
