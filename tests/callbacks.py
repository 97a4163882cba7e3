"""On-commit callbacks in tests, without the audit log's own sealing step."""

from doorstep.core.tasks import seal_soon


def work_queued(callbacks) -> list:
    """The callbacks a change queued for its own work (every audited change also seals)."""
    return [callback for callback in callbacks if callback is not seal_soon]
