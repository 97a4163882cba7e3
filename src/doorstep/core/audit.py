"""Writing and checking the audit log.

`record()` appends a row in the caller's transaction and takes no shared lock. Shortly after,
a background task seals new records into an HMAC-SHA256 chain with a key kept outside the
database, and writes a signed checkpoint outside the database (core.sealing,
core.checkpoints). `verify_chain()` (`manage.py verify_audit`) checks every sealed record's
HMAC and link and compares the database with the newest checkpoint, so a record that was
changed, inserted or removed, a chain recomputed without the key, and an older copy of the
database put back all show.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from . import checkpoints, sealing, tasks
from .clients import client_address
from .models import AuditEvent

GENESIS_HASH = sealing.GENESIS_HASH
# Reported as the broken record when the chain is intact but shorter than its checkpoint says.
TAIL_REMOVED = -1


def client_ip(request: HttpRequest | None) -> str | None:
    """The visitor's address, through the trusted proxies (core.clients)."""
    return client_address(request) if request is not None else None


def record(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: object = "",
    resident_id: int | None = None,
    fields: Iterable[str] = (),
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one record. Call inside the transaction that made the change."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor=actor if is_person else None,
        actor_label=(actor.email if is_person else str(actor or "system"))[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        resident_id=resident_id,
        fields=sorted(fields),
        detail=detail[:500],
        ip_address=client_ip(request),
    )
    event.save()
    transaction.on_commit(tasks.seal_soon)
    return event


# What only reads, so it never counts as changing a thing.
_READS = [AuditEvent.Action.VIEW, AuditEvent.Action.SEARCH, AuditEvent.Action.EXPORT]


def change_record(*, pk: int, object_type: str, object_id: object) -> AuditEvent | None:
    """The record of a change to one thing, or None when `pk` is not a change to that thing."""
    return (
        AuditEvent.objects.filter(pk=pk, object_type=object_type, object_id=str(object_id))
        .exclude(action__in=_READS)
        .first()
    )


def changes_after(record: AuditEvent) -> list[AuditEvent]:
    """Changes to the same thing recorded after `record`, oldest first (an undo asks whether
    anyone changed it since)."""
    return list(
        AuditEvent.objects.filter(
            at__gte=record.at,
            pk__gt=record.pk,
            object_type=record.object_type,
            object_id=record.object_id,
        )
        .exclude(action__in=_READS)
        .select_related("actor")
        .order_by("pk")
    )


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    unsealed: int = 0
    checkpoint: checkpoints.Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _walk(key: bytes, anchor: checkpoints.Checkpoint | None) -> tuple[ChainReport, str | None]:
    """Check every sealed record in chain order; returns the report and the HMAC at the anchor."""
    expected_previous = GENESIS_HASH
    checked = 0
    at_anchor = None
    sealed = AuditEvent.objects.filter(seal__isnull=False).order_by("seal")
    for event in sealed.iterator(chunk_size=2000):
        if event.seal != checked + 1 or event.previous_hash != expected_previous:
            return ChainReport(checked, event.id, "does not follow the record before it"), None
        if event.compute_mac(key) != event.hash:
            return ChainReport(checked, event.id, "has been changed since it was written"), None
        expected_previous = event.hash
        checked += 1
        if anchor is not None and checked == anchor.count:
            at_anchor = (event.id, event.hash)
    return ChainReport(checked), at_anchor


def _compare(report: ChainReport, anchor, at_anchor) -> ChainReport:
    if anchor is None:
        if report.checked:
            report.broken_at = TAIL_REMOVED
            report.reason = "there is no checkpoint for the sealed records"
        return report
    if report.checked < anchor.count:
        report.broken_at = TAIL_REMOVED
        report.reason = (
            f"the newest records have been removed, or the database is older than the "
            f"checkpoint of {anchor.at} ({anchor.count} records)"
        )
    elif at_anchor != (anchor.last_id, anchor.head):
        report.broken_at = anchor.last_id
        report.reason = f"does not match the checkpoint of {anchor.at}"
    return report


def verify_chain(*, seal_first: bool = True) -> ChainReport:
    """Seal what is ready, then check the whole chain against the newest checkpoint."""
    if seal_first:
        try:
            sealing.seal()
        except sealing.AuditIntegrityError:
            pass  # the checks below say exactly what is wrong
    key = checkpoints.audit_key()
    try:
        anchor = checkpoints.newest(key)
    except checkpoints.CheckpointForged as error:
        return ChainReport(0, TAIL_REMOVED, str(error))
    report, at_anchor = _walk(key, anchor)
    report.checkpoint = anchor
    report.unsealed = AuditEvent.objects.filter(seal__isnull=True).count()
    if not report.ok:
        return report
    return _compare(report, anchor, at_anchor)
