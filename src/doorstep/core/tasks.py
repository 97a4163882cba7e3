"""Background work of the core: sealing new audit records shortly after they are written.

`seal_soon` runs after each commit that wrote an audit record and queues one sealing task
per process at most every AUDIT_SEAL_GRACE_SECONDS, so a busy server queues a few tasks a
minute, not one per record. The sealer's lock keeps concurrent runs in order.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import checkpoints, sealing

log = logging.getLogger(__name__)

_queued_at = 0.0
_queued_lock = threading.Lock()


@task()
def seal_audit() -> int:
    try:
        return sealing.seal()
    except (checkpoints.AuditKeyMissing, sealing.AuditIntegrityError) as error:
        # Fail closed: nothing is sealed, loudly; the records stay and are sealed later.
        log.error("Audit records not sealed: %s", error)
        return 0


def seal_soon() -> None:
    """Queue a sealing run, unless this process queued one moments ago."""
    global _queued_at
    grace = float(getattr(settings, "AUDIT_SEAL_GRACE_SECONDS", 10))
    with _queued_lock:
        if time.monotonic() - _queued_at < max(grace, 1):
            return
        _queued_at = time.monotonic()
    try:
        if seal_audit.get_backend().supports_defer:
            # After the grace, so records still being written in other transactions join in.
            later = timezone.now() + timedelta(seconds=grace)
            seal_audit.using(run_after=later).enqueue()
        else:
            seal_audit.enqueue()
    except Exception:  # the record is committed either way; the next run seals it
        log.exception("Could not queue sealing of the audit log")
