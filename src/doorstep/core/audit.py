"""Writing and checking the audit log.

Each record carries the hash of the one before it, so changing or removing a record in the
database breaks the chain at that point, which `manage.py verify_audit` reports.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# Reported as the broken record when the chain is intact but shorter than its head says.
TAIL_REMOVED = -1


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
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
    """Append one record to the chain. Call inside the transaction that made the change."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )
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
        previous_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Walk the log oldest first, recomputing every hash and link."""
    expected_previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != expected_previous:
            return ChainReport(checked, event.id, "does not follow the record before it")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.id, "has been changed since it was written")
        expected_previous = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != expected_previous:
        return ChainReport(checked, TAIL_REMOVED, "the newest records have been removed")
    return ChainReport(checked)
