"""Every change to texts: sending, delivering, statuses, replies, opt-outs, nudges, cohorts.

The send path is built so a text is never sent twice:
1. `send_message` writes the message (with its unique reference) before anything is sent, and
   asks for delivery only when that write commits.
2. `deliver_message` marks it "sending" and commits, then calls the provider. If the worker dies
   or the call times out, the next attempt first asks the provider whether it already accepted
   that reference, and only sends if it did not.
Other apps call `send_message`, `schedule_nudge` and `cancel_nudges`; nothing else.
"""

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from doorstep.core import audit, service_events, timeline
from doorstep.core.validators import format_phone_for_display
from doorstep.residents.models import Phone, Resident

from . import nudges, pacing, rules, sms
from .models import STATUS_RANK, Message, Suppression, Template
from .providers import (
    InboundSms,
    PermanentError,
    Provider,
    RateLimited,
    SendResult,
    StatusUpdate,
    TemporaryError,
    get_provider,
)

log = logging.getLogger(__name__)


def send_lease() -> timedelta:
    """A "sending" message untouched this long belongs to a worker that died: another may
    recover it (after asking the provider whether the first attempt got through)."""
    return timedelta(seconds=settings.SMS_SEND_LEASE_SECONDS)


MAX_ATTEMPTS = 6
FIRST_CONTACT_FOOTER = "Reply STOP to stop getting these texts."


class NotTextable(ValidationError):
    """This resident or number may not be texted; the message says why, for the officer."""


# --- Who may be texted ---------------------------------------------------------------------

# Keys for cohort exclusion counts, with the words shown to officers.
NO_MOBILE = "no mobile number"
NO_CONSENT = "has not agreed to texts"
OPTED_OUT = "opted out of texts"


def mobile_number(resident: Resident) -> str | None:
    """The number texts go to: the primary mobile, else the first mobile recorded."""
    phone = resident.phones.filter(is_mobile=True).order_by("-is_primary", "id").first()
    return phone.number if phone else None


def is_opted_out(number: str) -> bool:
    return Suppression.objects.filter(number=number).exists()


def check_textable(resident: Resident, number: str | None = None) -> str:
    """The number to text, or NotTextable saying plainly why not."""
    if number is None:
        number = mobile_number(resident)
        if number is None:
            raise NotTextable(
                f"{resident.full_name} has no mobile number on their record. Add one first",
                code="no_mobile",
            )
    else:
        phone = resident.phones.filter(number=number).first()
        if phone is None:
            raise NotTextable("Choose one of the resident's own numbers", code="not_their_number")
        if not phone.is_mobile:
            raise NotTextable(
                f"{phone.display} is a landline: texts can only go to a mobile", code="landline"
            )
    if not resident.consents_to_text:
        raise NotTextable(
            f"{resident.full_name} has not agreed to get texts. Record their agreement first",
            code="no_consent",
        )
    if is_opted_out(number):
        raise NotTextable(
            f"{format_phone_for_display(number)} has opted out of texts. They can text START "
            "to opt back in, or an officer can opt them in if they ask",
            code="opted_out",
        )
    return number


# --- Composing ------------------------------------------------------------------------------

# Placeholders every template may use; callers add their own (e.g. "link", "due date").
STANDARD_PLACEHOLDERS = ("first name", "last name", "full name", "officer name", "council")


def placeholder_values(*, first_name: str, last_name: str, full_name: str, actor) -> dict[str, str]:
    """The standard placeholders' values; one resident's here, a group text's row by row."""
    return {
        "first name": first_name,
        "last name": last_name,
        "full name": full_name,
        "officer name": actor.get_short_name() if getattr(actor, "is_authenticated", False) else "",
        "council": settings.COUNCIL_NAME,
    }


def standard_values(resident: Resident, actor=None) -> dict[str, str]:
    return placeholder_values(
        first_name=resident.preferred_name or resident.first_name,
        last_name=resident.last_name,
        full_name=resident.full_name,
        actor=actor,
    )


def signature(actor, team) -> str:
    if not settings.SMS_SIGNATURE or not getattr(actor, "is_authenticated", False):
        return ""
    team_name = team.name if team else settings.COUNCIL_NAME
    return settings.SMS_SIGNATURE.format(first_name=actor.get_short_name(), team=team_name)


def compose(
    text: str,
    values: Mapping[str, str | None],
    *,
    sign_as: str = "",
    first_contact: bool = False,
    allowed=None,
) -> str:
    """Fill in placeholders, add the signature and the opt-out line, normalise, check length."""
    body = sms.render(text, values, allowed=allowed)
    if sign_as:
        body = f"{body}\n{sms.normalise(sign_as)}"
    if first_contact:
        body = f"{body}\n{FIRST_CONTACT_FOOTER}"
    sms.check_length(body)
    return body


def is_first_contact(number: str) -> bool:
    return (
        not Message.objects.filter(direction=Message.Direction.OUTBOUND, number=number)
        .exclude(status=Message.Status.CANCELLED)
        .exists()
    )


def default_team(actor):
    if getattr(actor, "is_authenticated", False):
        return actor.teams.order_by("name").first()
    return None


# Placeholders that the feature sending a template fills in (an evidence request gives the
# link and due date, a shared plan the code). Templates may use these and the standard ones;
# an officer sending such a template by hand types the values in.
CALLER_PLACEHOLDERS = ("due date", "link", "date", "time", "case reference", "code")
TEMPLATE_PLACEHOLDERS = (*STANDARD_PLACEHOLDERS, *CALLER_PLACEHOLDERS)
# Shown in template previews, and used to count characters, so lengths are realistic.
EXAMPLE_VALUES = {
    "first name": "Amina",
    "last name": "Khan",
    "full name": "Amina Khan",
    "officer name": "Sam",
    "due date": "Friday 14 March",
    "link": "https://doorstep.example.gov.uk/u/q3Xv9LkT2mRw8YpB4nHs6A",
    "date": "Tuesday 11 March",
    "time": "10:30am",
    "case reference": "HR-000123",
    "code": "483920",
}


def example_values() -> dict[str, str]:
    return {**EXAMPLE_VALUES, "council": settings.COUNCIL_NAME}


def check_template_body(body: str) -> str:
    """The template filled in with example values; ValidationError for unknown placeholders,
    an empty body or one too long to send."""
    if not body.strip():
        raise ValidationError("Enter the text of the message", code="required")
    return sms.render(body, example_values(), allowed=TEMPLATE_PLACEHOLDERS)


def _check_template_name(name: str, template: Template | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": ["Enter a name for the template"]})
    clash = Template.objects.filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError({"name": [f"There is already a template called ‘{name}’"]})
    return name


@transaction.atomic
def save_template(
    *,
    actor,
    name: str,
    body: str,
    description: str = "",
    template: Template | None = None,
    request=None,
) -> Template:
    """Create a template, or change one. Texts already sent keep the words they were sent with."""
    name = _check_template_name(name, template)
    try:
        check_template_body(body)
    except ValidationError as error:
        raise ValidationError({"body": error.messages}) from error
    body = sms.normalise(body).strip()
    creating = template is None
    if creating:
        template = Template(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    changed = [
        field
        for field, value in (("name", name), ("body", body), ("description", description.strip()))
        if getattr(template, field) != value
    ]
    template.name, template.body, template.description = name, body, description.strip()
    template.save()
    audit.record(
        actor=actor,
        action="create" if creating else "change",
        object_type="template",
        object_id=template.pk,
        fields=changed,
        request=request,
    )
    return template


@transaction.atomic
def set_template_active(*, actor, template: Template, active: bool, request=None) -> None:
    """Take a template out of use (it stays on texts already sent), or put it back."""
    if template.is_active == active:
        return
    template.is_active = active
    template.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="activate" if active else "deactivate",
        object_type="template",
        object_id=template.pk,
        request=request,
    )


@dataclass(frozen=True)
class ComposedText:
    body: str
    number: str
    team: object


def preview_message(
    *,
    resident: Resident,
    actor,
    body: str = "",
    template: Template | None = None,
    values: Mapping[str, str | None] | None = None,
    kind: str = Message.Kind.ONE_OFF,
    number: str | None = None,
    team=None,
) -> ComposedText:
    """Exactly what `send_message` would queue, and where to: writes nothing.

    Raises NotTextable or ValidationError as `send_message` does.
    """
    if template is not None and not template.is_active:
        raise ValidationError("That template is no longer in use: choose another")
    text = template.body if template is not None else body
    if not text.strip():
        raise ValidationError("Enter the message", code="required")
    number = check_textable(resident, number)
    team = team or default_team(actor)
    all_values = {**standard_values(resident, actor), **(values or {})}
    sign_as = signature(actor, team) if kind == Message.Kind.ONE_OFF else ""
    text = compose(
        text,
        all_values,
        sign_as=sign_as,
        first_contact=is_first_contact(number),
        allowed=list(all_values),
    )
    return ComposedText(body=text, number=number, team=team)


# --- Sending ---------------------------------------------------------------------------------


def _enqueue_delivery(message: Message) -> None:
    from . import tasks

    run_after = message.send_after if message.send_after > timezone.now() else None
    transaction.on_commit(lambda: tasks.enqueue_delivery(message.pk, run_after))


@transaction.atomic
def send_message(
    *,
    resident: Resident,
    actor,
    body: str = "",
    template: Template | None = None,
    values: Mapping[str, str | None] | None = None,
    kind: str = Message.Kind.ONE_OFF,
    send_after: datetime | None = None,
    number: str | None = None,
    team=None,
    idempotency_key: str | None = None,
    condition: str = "",
    request=None,
) -> Message:
    """Queue a text to a resident. Raises NotTextable or ValidationError; writes nothing then.

    A repeated call with the same idempotency_key returns the first message, unchanged.
    """
    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    composed = preview_message(
        resident=resident,
        actor=actor,
        body=body,
        template=template,
        values=values,
        kind=kind,
        number=number,
        team=team,
    )
    text, number, team = composed.body, composed.number, composed.team
    info = sms.measure(text)
    message = Message.objects.create(
        direction=Message.Direction.OUTBOUND,
        kind=kind,
        status=Message.Status.QUEUED,
        resident=resident,
        number=number,
        body=text,
        template=template,
        fragments=info.fragments,
        encoding=info.encoding,
        staff=actor if getattr(actor, "is_authenticated", False) else None,
        team=team,
        idempotency_key=idempotency_key,
        condition=condition,
        send_after=rules.next_send_time(send_after or timezone.now()),
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="message",
        object_id=message.pk,
        resident_id=resident.pk,
        detail=f"{message.get_kind_display()} queued",
        request=request,
    )
    _enqueue_delivery(message)
    return message


@transaction.atomic
def send_system_text(
    *,
    number: str,
    body: str,
    resident: Resident | None = None,
    idempotency_key: str,
    ignores_opt_out: bool = False,
    team=None,
) -> Message:
    """An automatic text (opt-out confirmation, out-of-hours reply): sent once per key."""
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    text = sms.normalise(body)
    sms.check_length(text)
    info = sms.measure(text)
    message = Message.objects.create(
        direction=Message.Direction.OUTBOUND,
        kind=Message.Kind.SYSTEM,
        status=Message.Status.QUEUED,
        resident=resident,
        number=number,
        body=text,
        fragments=info.fragments,
        encoding=info.encoding,
        team=team,
        idempotency_key=idempotency_key,
        ignores_opt_out=ignores_opt_out,
        send_after=rules.next_send_time(timezone.now()),
    )
    _enqueue_delivery(message)
    return message


# --- Delivering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did; `retry_at` says when to come back, if at all."""

    result: str  # sent, failed, cancelled, postponed, retry, skipped
    retry_at: datetime | None = None


def _cancel(message: Message, reason: str, now: datetime) -> Outcome:
    message.status = Message.Status.CANCELLED
    message.error = reason[:300]
    message.completed_at = now
    message.save(update_fields=["status", "error", "completed_at"])
    return Outcome("cancelled")


def _reason_to_cancel(message: Message) -> str | None:
    if message.condition and nudges.condition_is_met(message.condition):
        return "No longer needed: " + nudges.describe(message.condition)
    if message.kind == Message.Kind.SYSTEM:
        if not message.ignores_opt_out and is_opted_out(message.number):
            return "The number opted out of texts"
        return None
    resident = message.resident
    if resident is None:
        return "Not linked to a resident"
    if not resident.consents_to_text:
        return "The resident withdrew their agreement to texts"
    if is_opted_out(message.number):
        return "The number opted out of texts"
    return None


def _start_of_next_uk_day(moment: datetime) -> datetime:
    local = moment.astimezone(rules.UK)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), rules.UK)


def _postpone_until(message: Message, now: datetime) -> datetime | None:
    """When the message must wait for: quiet hours, nudge once a day, network limits."""
    allowed = rules.next_send_time(now)
    if allowed > now:
        return allowed
    hour_ago = now - timedelta(hours=1)
    recent = Message.objects.filter(
        direction=Message.Direction.OUTBOUND, number=message.number, sending_at__gte=hour_ago
    ).exclude(pk=message.pk)
    counts = recent.aggregate(
        all=Count("id"),
        same=Count("id", filter=Q(body=message.body)),
        oldest=Min("sending_at"),
        oldest_same=Min("sending_at", filter=Q(body=message.body)),
    )
    if counts["all"] >= rules.MAX_TEXTS_PER_NUMBER_PER_HOUR:
        return rules.next_send_time(counts["oldest"] + timedelta(hours=1, seconds=1))
    if counts["same"] >= rules.MAX_IDENTICAL_TEXTS_PER_NUMBER_PER_HOUR:
        return rules.next_send_time(counts["oldest_same"] + timedelta(hours=1, seconds=1))
    if message.kind == Message.Kind.NUDGE and message.resident_id:
        today_start = datetime.combine(
            now.astimezone(rules.UK).date(), datetime.min.time(), rules.UK
        )
        nudged_today = (
            Message.objects.filter(
                kind=Message.Kind.NUDGE,
                resident_id=message.resident_id,
                sending_at__gte=today_start,
            )
            .exclude(pk=message.pk)
            .exists()
        )
        if nudged_today:
            return rules.next_send_time(_start_of_next_uk_day(now))
    return None


def _claim(message_id: int, provider: Provider, now: datetime) -> tuple[Message | None, Outcome]:
    """Lock the message and decide: send it now, wait, cancel it, or leave it to someone else."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("resident", "staff")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.direction != Message.Direction.OUTBOUND:
            return None, Outcome("skipped")
        if message.status == Message.Status.SENDING:
            if message.sending_at and message.sending_at > now - send_lease():
                return None, Outcome("skipped")  # another worker has it in hand
        elif message.status != Message.Status.QUEUED:
            return None, Outcome("skipped")  # already sent, failed or cancelled
        elif message.send_after > now:
            return None, Outcome("postponed", message.send_after)
        if message.attempts == 0 or message.status == Message.Status.QUEUED:
            reason = _reason_to_cancel(message)
            if reason:
                return None, _cancel(message, reason, now)
            wait_until = _postpone_until(message, now)
            if wait_until:
                message.send_after = wait_until
                message.save(update_fields=["send_after"])
                return None, Outcome("postponed", wait_until)
        message.status = Message.Status.SENDING
        message.sending_at = now
        message.attempts += 1
        message.provider = provider.name
        message.save(update_fields=["status", "sending_at", "attempts", "provider"])
    return message, Outcome("sending")


def _mark_sent(message: Message, result: SendResult) -> Outcome:
    now = timezone.now()
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            status=Message.Status.SENT, provider_id=result.provider_id, sent_at=now, error=""
        )
        if not updated:
            # A status callback overtook us and has the final word on the status; the text
            # was still sent by this attempt, so the timeline and the figures say so below.
            Message.objects.filter(pk=message.pk, provider_id="").update(
                provider_id=result.provider_id, sent_at=now
            )
        if message.resident_id:
            timeline.add_event(
                resident_id=message.resident_id,
                kind="text",
                summary=f"Text sent to {format_phone_for_display(message.number)}",
                body=message.body,
                actor=message.staff,
                occurred_at=now,
                source=message,
            )
        service_events.record(
            name="sms.sent",
            team=message.team_id,
            channel="sms",
            value=message.fragments,
            source=message,
            occurred_at=now,
            attributes={"kind": message.kind},
        )
    return Outcome("sent")


def _back_to_queue(message: Message, error: str, retry_at: datetime) -> Outcome:
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=Message.Status.QUEUED, send_after=retry_at, error=error[:300]
    )
    return Outcome("retry", retry_at)


def _fail(message: Message, status: str, error: str) -> Outcome:
    now = timezone.now()
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            status=status, error=error[:300], completed_at=now
        )
        service_events.record(
            name="sms.failed",
            team=message.team_id,
            channel="sms",
            source=message,
            attributes={"status": status},
        )
    return Outcome("failed")


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min, 8 min… between tries."""
    return timedelta(seconds=30 * 2 ** max(0, attempts - 1))


def deliver_message(message_id: int, *, provider: Provider | None = None) -> Outcome:
    """Send one queued message if it is due and still allowed. Safe to call any number of times."""
    provider = provider or get_provider()
    message, outcome = _claim(message_id, provider, timezone.now())
    if message is None:
        return outcome
    if message.attempts > 1:
        # An earlier attempt may have reached the provider before its worker died or timed out.
        try:
            earlier = provider.find_sent(str(message.reference))
        except TemporaryError as error:
            return _back_to_queue(message, str(error), timezone.now() + backoff(message.attempts))
        except PermanentError as error:
            # e.g. the API key was revoked: left "sending", the sweep would retry it for ever.
            return _fail(message, Message.Status.TECHNICAL_FAILURE, str(error))
        if earlier is not None:
            return _mark_sent(message, earlier)
    rate = pacing.configured_rate(provider.default_rate_per_minute)
    pacing.take(provider.name, rate)
    try:
        result = provider.send(
            reference=str(message.reference), number=message.number, body=message.body
        )
    except RateLimited as error:
        if rate:
            pacing.slow_down(provider.name, rate)
        wait = timedelta(seconds=error.retry_after or 5)
        return _back_to_queue(message, "The provider asked us to slow down", timezone.now() + wait)
    except TemporaryError as error:
        if message.attempts >= MAX_ATTEMPTS:
            return _fail(message, Message.Status.TECHNICAL_FAILURE, f"Gave up after: {error}")
        return _back_to_queue(message, str(error), timezone.now() + backoff(message.attempts))
    except PermanentError as error:
        return _fail(message, Message.Status.TECHNICAL_FAILURE, str(error))
    if rate:
        pacing.recover(provider.name, rate)
    return _mark_sent(message, result)


# --- Statuses --------------------------------------------------------------------------------


def record_status(*, provider_name: str, update: StatusUpdate) -> Message | None:
    """Apply a delivery receipt. Status only moves forward; anything else is logged and ignored."""
    with transaction.atomic():
        lookup = Q(provider=provider_name, provider_id=update.provider_id)
        if update.reference:
            lookup |= Q(reference=update.reference) if _is_uuid(update.reference) else Q()
        message = (
            Message.objects.select_for_update()
            .filter(lookup, direction=Message.Direction.OUTBOUND)
            .first()
        )
        if message is None:
            log.warning(
                "Status %s for unknown %s text %s", update.status, provider_name, update.provider_id
            )
            return None
        if (
            update.status not in STATUS_RANK
            or STATUS_RANK[update.status] <= STATUS_RANK[message.status]
        ):
            log.info(
                "Ignored status %s for message %s, already %s",
                update.status,
                message.pk,
                message.status,
            )
            return None
        now = timezone.now()
        message.status = update.status
        if not message.provider_id:
            message.provider_id = update.provider_id
        if update.status == Message.Status.SENT and not message.sent_at:
            message.sent_at = now
        if message.is_final:
            message.completed_at = update.occurred_at or now
        if message.is_failure:
            message.error = (update.detail or message.get_status_display())[:300]
        message.save()
        if message.is_final:
            service_events.record(
                name="sms.delivered" if update.status == Message.Status.DELIVERED else "sms.failed",
                team=message.team_id,
                channel="sms",
                source=message,
                attributes={"status": update.status},
            )
        return message


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@transaction.atomic
def expire_unconfirmed(now: datetime | None = None) -> int:
    """Texts with no final status 72 hours after sending become temporary failures."""
    now = now or timezone.now()
    stale = Message.objects.filter(
        direction=Message.Direction.OUTBOUND,
        status__in=[Message.Status.SENT, Message.Status.SENDING],
        sending_at__lt=now - rules.FINAL_STATUS_DEADLINE,
    )
    return stale.update(
        status=Message.Status.TEMPORARY_FAILURE,
        completed_at=now,
        error="No delivery report within 72 hours",
    )


# --- Replies ---------------------------------------------------------------------------------


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
    from doorstep.cases import queries as case_queries

    cases = case_queries.open_cases_for_resident(resident.pk)
    if cases:
        return cases[0].owner, cases[0].team
    return None, None


# Other apps may act on a matched resident's reply (reporting: "Reply 1 to 5" to the satisfaction
# question). A handler is called as handler(message=, resident=) inside receive_message's
# transaction and returns True when it dealt with the text, which then needs no officer.
_REPLY_HANDLERS: list = []


def register_reply_handler(handler) -> None:
    if handler not in _REPLY_HANDLERS:
        _REPLY_HANDLERS.append(handler)


def receive_message(*, provider_name: str, inbound: InboundSms) -> Message | None:
    """Store a text from a resident once, match it to them, act on STOP/START.

    Returns None when the provider has already given us this text.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = Message.objects.create(
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
        candidates = residents_with_number(inbound.number)
        resident = candidates[0] if len(candidates) == 1 else None
        if resident is not None:
            message.resident = resident
            message.staff, message.team = _conversation_owner(resident)
        now = timezone.now()
        if rules.is_stop_request(inbound.body):
            message.is_opt_out_request = True
            message.handled_at = now
            newly = _suppress(inbound.number, Suppression.Reason.RESIDENT, actor=None)
            if newly:
                send_system_text(
                    number=inbound.number,
                    resident=resident,
                    body=f"You will not get any more texts from {settings.COUNCIL_NAME}. "
                    "Reply START if you change your mind.",
                    idempotency_key=f"opt-out-confirmation:{message.pk}",
                    ignores_opt_out=True,
                    team=message.team,
                )
        elif rules.is_start_request(inbound.body):
            message.handled_at = now
            if _unsuppress(inbound.number, actor=None):
                send_system_text(
                    number=inbound.number,
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
        message.save()
        if resident is not None:
            timeline.add_event(
                resident_id=resident.pk,
                kind="text",
                summary=f"Text received from {format_phone_for_display(inbound.number)}",
                body=message.body,
                occurred_at=inbound.received_at,
                source=message,
            )
        audit.record(
            actor=f"sms:{provider_name}",
            action="receive",
            object_type="message",
            object_id=message.pk,
            resident_id=resident.pk if resident else None,
        )
        service_events.record(
            name="sms.received",
            team=message.team_id,
            channel="sms",
            source=message,
            occurred_at=inbound.received_at,
            attributes={"opt_out": message.is_opt_out_request, "matched": resident is not None},
        )
    return message


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
        timeline.add_event(
            resident_id=resident.pk,
            kind="text",
            summary=f"Text received from {format_phone_for_display(reply.number)}",
            body=reply.body,
            occurred_at=reply.received_at,
            source=reply,
        )
        linked += 1
    audit.record(
        actor=actor,
        action="link",
        object_type="message",
        object_id=message.pk,
        resident_id=resident.pk,
        detail=f"{linked} texts from an unmatched number linked",
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
    audit.record(
        actor=actor,
        action="handle",
        object_type="message",
        object_id=message.pk,
        resident_id=message.resident_id,
        request=request,
    )


# --- Opting out and in -----------------------------------------------------------------------


def _suppress(number: str, reason: str, *, actor, note: str = "") -> bool:
    _, created = Suppression.objects.get_or_create(
        number=number,
        defaults={
            "reason": reason,
            "note": note[:300],
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
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
        )
        service_events.record(name="sms.opted_out", channel="sms", attributes={"reason": reason})
    return created


def _unsuppress(number: str, *, actor) -> bool:
    deleted, _ = Suppression.objects.filter(number=number).delete()
    if deleted:
        service_events.record(name="sms.opted_in", channel="sms")
    return bool(deleted)


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter the reason", code="required")
    return reason


def _change_opt_out(
    *, resident: Resident, number: str, actor, reason: str, opting_out: bool, request=None
) -> bool:
    reason = _check_reason(reason)
    if not resident.phones.filter(number=number).exists():
        raise ValidationError("Choose one of the resident's own numbers")
    if opting_out:
        changed = _suppress(number, Suppression.Reason.OFFICER, actor=actor, note=reason)
        summary = f"Opted out of texts to {format_phone_for_display(number)}"
    else:
        changed = _unsuppress(number, actor=actor)
        summary = f"Opted back in to texts to {format_phone_for_display(number)}"
    audit.record(
        actor=actor,
        action="opt_out" if opting_out else "opt_in",
        object_type="phone",
        object_id=number,
        resident_id=resident.pk,
        detail=reason,
        request=request,
    )
    timeline.add_event(
        resident_id=resident.pk, kind="text", summary=summary, body=reason, actor=actor
    )
    return changed


@transaction.atomic
def opt_out(*, resident: Resident, number: str, actor, reason: str, request=None) -> bool:
    """An officer opts a resident's number out of texts, on their request."""
    return _change_opt_out(
        resident=resident,
        number=number,
        actor=actor,
        reason=reason,
        opting_out=True,
        request=request,
    )


@transaction.atomic
def opt_in(*, resident: Resident, number: str, actor, reason: str, request=None) -> bool:
    """An officer opts a number back in, when the resident asks."""
    return _change_opt_out(
        resident=resident,
        number=number,
        actor=actor,
        reason=reason,
        opting_out=False,
        request=request,
    )


# --- Nudges ----------------------------------------------------------------------------------


def schedule_nudge(
    *,
    resident: Resident,
    send_after: datetime,
    condition: str,
    body: str = "",
    template: Template | None = None,
    values: Mapping[str, str | None] | None = None,
    actor=None,
    team=None,
    key: str | None = None,
) -> Message | None:
    """Schedule a reminder that is dropped once `condition` is met (see nudges.py).

    Returns None (and sends nothing) when the resident cannot be texted: reminders are best effort.
    `key` makes scheduling idempotent, e.g. "plan-action:7:due-soon".
    """
    nudges.check_condition(condition)
    try:
        return send_message(
            resident=resident,
            actor=actor,
            body=body,
            template=template,
            values=values,
            kind=Message.Kind.NUDGE,
            send_after=send_after,
            team=team,
            condition=condition,
            idempotency_key=key,
        )
    except NotTextable:
        return None


@transaction.atomic
def cancel_nudges(*, condition: str) -> int:
    """Drop every reminder still waiting on this condition (call it when the condition is met)."""
    return Message.objects.filter(
        condition=condition, status=Message.Status.QUEUED, kind=Message.Kind.NUDGE
    ).update(
        status=Message.Status.CANCELLED,
        completed_at=timezone.now(),
        error="No longer needed: " + nudges.describe(condition),
    )


def opted_out_numbers(numbers) -> set[str]:
    return set(
        Suppression.objects.filter(number__in=list(numbers)).values_list("number", flat=True)
    )


def textable_mobile_numbers(resident_ids) -> dict[int, str]:
    """Primary mobile number for each resident, in one query."""
    numbers: dict[int, str] = {}
    for resident_id, number in (
        Phone.objects.filter(resident_id__in=resident_ids, is_mobile=True)
        .order_by("resident_id", "-is_primary", "id")
        .values_list("resident_id", "number")
    ):
        numbers.setdefault(resident_id, number)
    return numbers


def move_messages(from_resident_id: int, to_resident_id: int) -> int:
    """Texts follow a resident record merged into another (called by the merge)."""
    return Message.objects.filter(resident_id=from_resident_id).update(resident_id=to_resident_id)
