"""Sealing the audit log: giving new records their place in the keyed chain.

`audit.record` only inserts a row (no hash, no shared lock), so audited reads never wait on
each other. `seal()` then takes the unsealed records in id order, under a lock only the sealer
takes, and gives each the next number in the chain (`seal`), the HMAC of the record before it
(`previous_hash`) and its own HMAC-SHA256 (`hash`) under the audit key, which is not in the
database. It finishes by writing a signed checkpoint outside the database (core.checkpoints).

Transactions can commit out of order: a record with a lower id may become visible after one
with a higher id. The sealer stops at a gap in the ids while the record after the gap is
younger than AUDIT_SEAL_GRACE_SECONDS (the missing ids are probably still being written) and
seals past it after that (they were rolled back, or their transaction ran unusually long). The
chain follows `seal`, not the id, so a record that commits even later is sealed next, after
the others, and the chain stays whole.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import checkpoints
from .models import AuditEvent

GENESIS_HASH = "0" * 64
BATCH = 2000
# Any constant: the PostgreSQL advisory lock only the sealer takes ("audit" in ASCII).
_ADVISORY_LOCK = 0x6175646974


class AuditIntegrityError(Exception):
    """The database no longer matches the newest checkpoint: sealing stops until checked."""


def _lock_database() -> None:
    # SQLite: the sealing transaction already holds the database's write lock (IMMEDIATE).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])


def _head() -> AuditEvent | None:
    return AuditEvent.objects.filter(seal__isnull=False).order_by("-seal").first()


def _highest_sealed_id() -> int | None:
    return (
        AuditEvent.objects.filter(seal__isnull=False)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


def ready_to_seal(grace_seconds: float | None = None, limit: int = BATCH) -> list[AuditEvent]:
    """Unsealed records in id order, up to the first gap that may still be filled."""
    if grace_seconds is None:
        grace_seconds = float(getattr(settings, "AUDIT_SEAL_GRACE_SECONDS", 10))
    settled_before = timezone.now() - timedelta(seconds=grace_seconds)
    expected = _highest_sealed_id()
    ready = []
    for event in AuditEvent.objects.filter(seal__isnull=True).order_by("id")[:limit]:
        gap = expected is not None and event.id > expected + 1
        if gap and event.at > settled_before:
            break
        ready.append(event)
        expected = event.id if expected is None else max(expected, event.id)
    return ready


def _check_against(checkpoint: checkpoints.Checkpoint | None, head: AuditEvent | None) -> None:
    if checkpoint is None:
        if head is not None:
            raise AuditIntegrityError(
                f"{head.seal} records are sealed but there is no checkpoint in "
                f"{checkpoints.folder()}: restore the checkpoints, then run verify_audit."
            )
        return
    anchored = AuditEvent.objects.filter(seal=checkpoint.count).first()
    if anchored is None or anchored.hash != checkpoint.head or anchored.id != checkpoint.last_id:
        raise AuditIntegrityError(
            f"The audit log does not match its checkpoint of {checkpoint.at} "
            f"({checkpoint.count} records): run verify_audit."
        )


def _seal_batch(key: bytes, head: AuditEvent | None, events: list[AuditEvent]) -> AuditEvent:
    previous = head.hash if head else GENESIS_HASH
    number = head.seal if head else 0
    for event in events:
        number += 1
        event.seal, event.previous_hash = number, previous
        event.hash = previous = event.compute_mac(key)
        written = AuditEvent.objects.all()._write_seal(
            event.pk, seal=event.seal, previous_hash=event.previous_hash, hash=event.hash
        )
        if written != 1:  # pragma: no cover - only another sealer ignoring the lock
            raise AuditIntegrityError(f"Audit record {event.pk} was sealed by someone else.")
    return events[-1]


def seal(*, grace_seconds: float | None = None) -> int:
    """Seal every record that is ready; returns how many were sealed."""
    key = checkpoints.audit_key()
    sealed = 0
    newest = None
    with checkpoints.sealer_lock():
        anchor = checkpoints.newest(key)
        while True:
            with transaction.atomic():
                _lock_database()
                head = _head()
                if not sealed:
                    _check_against(anchor, head)
                events = ready_to_seal(grace_seconds)
                if events:
                    newest = _seal_batch(key, head, events)
                    sealed += len(events)
            if len(events) < BATCH:
                break
        if newest is not None or (head is not None and checkpoints.log_due()):
            _save_checkpoint(key, newest or head, reason="seal", log=checkpoints.log_due())
    return sealed


def _save_checkpoint(key: bytes, head: AuditEvent, *, reason: str, log: bool):
    checkpoint = checkpoints.Checkpoint.make(
        key, count=head.seal, last_id=head.id, head=head.hash, reason=reason
    )
    checkpoints.save(checkpoint, log=log)
    return checkpoint


def checkpoint_now(reason: str = "on demand") -> checkpoints.Checkpoint | None:
    """Seal what is ready and add a checkpoint to the log now (None while nothing is sealed)."""
    seal()
    key = checkpoints.audit_key()
    with checkpoints.sealer_lock():
        head = _head()
        if head is None:
            return None
        return _save_checkpoint(key, head, reason=reason, log=True)
