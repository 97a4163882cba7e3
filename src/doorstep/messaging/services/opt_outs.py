"""Opting numbers out of texts and back in: by the resident (STOP, START) or by an officer."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import actors, service_events
from doorstep.core.changes import Timeline, record_change
from doorstep.core.validators import format_phone_for_display
from doorstep.residents.models import Resident

from ..models import Message, Suppression


def suppress(number: str, reason: str, *, actor, note: str = "") -> bool:
    """Opt the number out; True when it was not opted out before."""
    _, created = Suppression.objects.get_or_create(
        number=number,
        defaults={
            "reason": reason,
            "note": note[:300],
            "created_by": actors.staff_or_none(actor),
        },
    )
    if created:
        # Queued texts to this number will never go: say so now rather than at send time.
        Message.objects.filter(
            number=number,
            direction=Message.Direction.OUTBOUND,
            status=Message.Status.QUEUED,
            ignores_opt_out=False,
        ).update(
            status=Message.Status.CANCELLED,
            completed_at=timezone.now(),
            error="The number opted out of texts",
            sealed_body="",
        )
        service_events.record(name="sms.opted_out", channel="sms", attributes={"reason": reason})
    return created


def unsuppress(number: str, *, actor) -> bool:
    """Opt the number back in; True when it was opted out."""
    deleted, _ = Suppression.objects.filter(number=number).delete()
    if deleted:
        service_events.record(name="sms.opted_in", channel="sms")
    return bool(deleted)


def _change_opt_out(resident: Resident, number: str, actor, reason: str, request, *, opting_out):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter the reason", code="required")
    if not resident.phones.filter(number=number).exists():
        raise ValidationError("Choose one of the resident's own numbers")
    shown = format_phone_for_display(number)
    if opting_out:
        changed = suppress(number, Suppression.Reason.OFFICER, actor=actor, note=reason)
        summary = f"Opted out of texts to {shown}"
    else:
        changed = unsuppress(number, actor=actor)
        summary = f"Opted back in to texts to {shown}"
    record_change(
        actor=actor,
        action="opt_out" if opting_out else "opt_in",
        object_type="phone",
        object_id=number,
        resident_id=resident.pk,
        summary=reason,
        request=request,
        timeline_event=Timeline(kind="text", summary=summary, body=reason),
    )
    return changed


@transaction.atomic
def opt_out(*, resident: Resident, number: str, actor, reason: str, request=None) -> bool:
    """An officer opts a resident's number out of texts, on their request."""
    return _change_opt_out(resident, number, actor, reason, request, opting_out=True)


@transaction.atomic
def opt_in(*, resident: Resident, number: str, actor, reason: str, request=None) -> bool:
    """An officer opts a number back in, when the resident asks."""
    return _change_opt_out(resident, number, actor, reason, request, opting_out=False)
