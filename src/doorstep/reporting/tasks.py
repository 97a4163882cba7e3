"""Background work for management information."""

from django.core.cache import cache
from django_tasks import task

from . import rollups, summary


@task()
def refresh_rollups_task() -> int:
    """Roll up the days that changed, then fill the cache for the usual dashboard views.
    Safe to run twice (the state row is locked)."""
    days = len(rollups.refresh())
    summary.warm_cache()
    return days


def enqueue_refresh_if_due() -> bool:
    """Queue a refresh when a day has ended since the last one, at most once an hour."""
    if not rollups.needs_refresh():
        return False
    if not cache.add("reporting:refresh-queued", True, timeout=3600):
        return False
    refresh_rollups_task.enqueue()
    return True
