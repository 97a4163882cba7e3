"""Texts from residents: receiving them once, STOP and START, matching them to a resident,
linking texts from unknown numbers, and marking texts read or handled."""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from doorstep.cases import queries as case_queries
from doorstep.core import timeline
from doorstep.core.changes import record_change
from doorstep.core.validators import format_phone_for_display
from doorstep.residents.models import Resident

from .. import rules
from ..models import Message, Suppression
from ..providers import InboundSms
from .opt_outs import suppress, unsuppress
from .records import record_text_change
from .sending import send_system_text

log = logging.getLogger(__name__)


def residents_with_number(number: str) -> list[Resident]:
    return list(
        Resident.objects.filter(phones__number=number, merged_into=None).distinct().order_by("pk")
    )


def _conversation_owner(resident: Resident):
    """Who should see a reply: whoever last texted the resident, else their open case's owner."""
    last = (
        Message.objects.filter(
            resident=resident, direction=Message.Direction.OUTBOUND, staff__isnull=False
        )
        .select_related("staff", "team")
        .order_by("-created_at")
        .first()
    )
    if last is not None:
        return last.staff, last.team
    cases = case_queries.open_cases_for_resident(resident.pk)
    if cases:
        return cases[0].owner, cases[0].team
    return None, None


def _add_to_timeline(reply: Message, resident_id: int) -> None:
    timeline.add_event(
        resident_id=resident_id,
        kind="text",
        summary=f"Text received from {format_phone_for_display(reply.number)}",
        body=reply.body,
        occurred_at=reply.received_at,
        source=reply,
    )


# Other apps may act on a matched resident's reply (reporting: "Reply 1 to 5" to the satisfaction
# question). A handler is called as handler(message=, resident=) inside receive_message's
# transaction and returns True when it dealt with the text, which then needs no officer.
_REPLY_HANDLERS: list = []


def register_reply_handler(handler) -> None:
    if handler not in _REPLY_HANDLERS:
        _REPLY_HANDLERS.append(handler)


def _store(provider_name: str, inbound: InboundSms) -> Message | None:
    """The text, written once: None when the provider has given us it before."""
    try:
        with transaction.atomic():
            return Message.objects.create(
                direction=Message.Direction.INBOUND,
                kind=Message.Kind.REPLY,
                status=Message.Status.RECEIVED,
                provider=provider_name,
                provider_id=inbound.provider_id,
                number=inbound.number,
                body=inbound.body[:2000],
                created_at=inbound.received_at,
                received_at=inbound.received_at,
                send_after=inbound.received_at,
            )
    except IntegrityError:
        log.info("Ignored repeated text %s from %s", inbound.provider_id, provider_name)
        return None


def _act_on(message: Message, resident: Resident | None, text: str) -> None:
    """STOP, START, a reply another app handles, or a text for an officer to read."""
    now = timezone.now()
    if rules.is_stop_request(text):
        message.is_opt_out_request = True
        message.handled_at = now
        if suppress(message.number, Suppression.Reason.RESIDENT, actor=None):
            send_system_text(
                number=message.number,
                resident=resident,
                body=f"You will not get any more texts from {settings.COUNCIL_NAME}. "
                "Reply START if you change your mind.",
                idempotency_key=f"opt-out-confirmation:{message.pk}",
                ignores_opt_out=True,
                team=message.team,
            )
    elif rules.is_start_request(text):
        message.handled_at = now
        if unsuppress(message.number, actor=None):
            send_system_text(
                number=message.number,
                resident=resident,
                body=f"You will get texts from {settings.COUNCIL_NAME} again. "
                "Reply STOP to stop them.",
                idempotency_key=f"opt-in-confirmation:{message.pk}",
                team=message.team,
            )
    elif resident is not None and any(
        handler(message=message, resident=resident) for handler in _REPLY_HANDLERS
    ):
        message.handled_at = now
    else:
        _maybe_reply_out_of_hours(message)
        if message.staff_id:
            staff = message.staff
            transaction.on_commit(lambda: _alert_officer(staff, message))


def receive_message(*, provider_name: str, inbound: InboundSms) -> Message | None:
    """Store a text from a resident once, match it to them, act on STOP/START.

    Returns None when the provider has already given us this text.
    """
    with transaction.atomic():
        message = _store(provider_name, inbound)
        if message is None:
            return None
        candidates = residents_with_number(inbound.number)
        resident = candidates[0] if len(candidates) == 1 else None
        if resident is not None:
            message.resident = resident
            message.staff, message.team = _conversation_owner(resident)
        _act_on(message, resident, inbound.body)
        message.save()
        if resident is not None:
            _add_to_timeline(message, resident.pk)
        record_change(
            actor=f"sms:{provider_name}",
            action="receive",
            object_type="message",
            object_id=message.pk,
            resident_id=resident.pk if resident else None,
            event={
                "name": "sms.received",
                "team": message.team_id,
                "channel": "sms",
                "source": message,
                "occurred_at": inbound.received_at,
                "attributes": {
                    "opt_out": message.is_opt_out_request,
                    "matched": resident is not None,
                },
            },
        )
    return message


def reply_as_resident(*, number: str, body: str) -> Message | None:
    """The phone simulator's 'reply' box: the text arrives as if from the resident's phone."""
    inbound = InboundSms(
        provider_id=f"outbox-in-{uuid.uuid4()}",
        number=number,
        body=body,
        received_at=timezone.now(),
    )
    return receive_message(provider_name="outbox", inbound=inbound)


def _maybe_reply_out_of_hours(message: Message) -> None:
    hours = rules.InboxHours.from_setting()
    if hours is None or hours.is_open(message.received_at):
        return
    # One automatic reply per number per out-of-hours spell: the key makes it so.
    spell = hours.last_closed(message.received_at)
    send_system_text(
        number=message.number,
        resident=message.resident,
        body=f"Thank you for your text. We read texts {hours.describe()}, and will reply then.",
        idempotency_key=f"out-of-hours:{message.number}:{spell.isoformat()}",
        team=message.team,
    )


def _alert_officer(staff, message: Message) -> None:
    if not staff.email or not staff.is_active:
        return
    url = settings.PUBLIC_BASE_URL + (
        message.resident.get_absolute_url() if message.resident else "/messages/triage/"
    )
    # No personal details in the e-mail: it says where to look.
    send_mail(
        subject="A resident replied to your text",
        message=f"You have a new reply in Doorstep. Read it here: {url}",
        from_email=None,
        recipient_list=[staff.email],
        fail_silently=True,
    )


@transaction.atomic
def link_reply(*, message: Message, resident: Resident, actor, request=None) -> int:
    """Link texts from an unmatched or shared number to a resident. Returns how many."""
    if message.direction != Message.Direction.INBOUND:
        raise ValidationError("Only texts from residents can be linked")
    if resident.merged_into_id:
        raise ValidationError("That record was merged: choose the record it was merged into")
    staff, team = _conversation_owner(resident)
    unlinked = Message.objects.filter(
        direction=Message.Direction.INBOUND, number=message.number, resident=None
    )
    linked = 0
    for reply in unlinked.select_for_update():
        reply.resident = resident
        reply.staff, reply.team = staff, team
        reply.save(update_fields=["resident", "staff", "team"])
        _add_to_timeline(reply, resident.pk)
        linked += 1
    summary = f"{linked} texts from an unmatched number linked"
    record_text_change(
        actor=actor,
        action="link",
        message=message,
        summary=summary,
        resident=resident,
        request=request,
    )
    return linked


@transaction.atomic
def mark_read(*, messages, actor) -> int:
    ids = [m.pk for m in messages if m.direction == Message.Direction.INBOUND and not m.read_at]
    return Message.objects.filter(pk__in=ids).update(read_at=timezone.now())


@transaction.atomic
def mark_handled(*, message: Message, actor, request=None) -> None:
    if message.direction != Message.Direction.INBOUND:
        raise ValidationError("Only texts from residents can be marked as handled")
    if message.handled_at:
        return
    now = timezone.now()
    message.handled_at = now
    message.handled_by = actor
    message.read_at = message.read_at or now
    message.save(update_fields=["handled_at", "handled_by", "read_at"])
    record_text_change(actor=actor, action="handle", message=message, request=request)
