"""Delivering a queued text, safe to repeat: it is never sent twice.

`deliver_message` marks the text "sending" and commits, then calls the provider. If the worker
dies or the call times out, the next attempt first asks the provider whether it already accepted
that reference, and only sends if it did not.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from doorstep.core import service_events, timeline
from doorstep.core.validators import format_phone_for_display

from . import nudges, pacing, rules, sealing
from .composing import is_opted_out
from .models import Message
from .providers import (
    PermanentError,
    Provider,
    RateLimited,
    SendResult,
    TemporaryError,
    get_provider,
)

MAX_ATTEMPTS = 6


def send_lease() -> timedelta:
    """A "sending" message untouched this long belongs to a worker that died: another may
    recover it (after asking the provider whether the first attempt got through)."""
    return timedelta(seconds=settings.SMS_SEND_LEASE_SECONDS)


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt did; `retry_at` says when to come back, if at all."""

    result: str  # sent, failed, cancelled, postponed, retry, skipped
    retry_at: datetime | None = None


def _cancel(message: Message, reason: str, now: datetime) -> Outcome:
    message.status = Message.Status.CANCELLED
    message.error = reason[:300]
    message.completed_at = now
    message.sealed_body = ""
    message.save(update_fields=["status", "error", "completed_at", "sealed_body"])
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
    # A text with a secret (a fresh code or link) never has the same words as another one.
    same = 0 if message.sealed_body else counts["same"]
    if same >= rules.MAX_IDENTICAL_TEXTS_PER_NUMBER_PER_HOUR:
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
            status=Message.Status.SENT,
            provider_id=result.provider_id,
            sent_at=now,
            error="",
            sealed_body="",
        )
        if not updated:
            # A status callback overtook us and has the final word on the status; the text
            # was still sent by this attempt, so the timeline and the figures say so below.
            Message.objects.filter(pk=message.pk, provider_id="").update(
                provider_id=result.provider_id, sent_at=now
            )
            Message.objects.filter(pk=message.pk).update(sealed_body="")
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
            status=status, error=error[:300], completed_at=now, sealed_body=""
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


def _earlier_attempt(message: Message, provider: Provider) -> Outcome | None:
    """An earlier attempt may have reached the provider before its worker died or timed out:
    the outcome if it did (or if asking failed), None to send now."""
    try:
        earlier = provider.find_sent(str(message.reference))
    except TemporaryError as error:
        return _back_to_queue(message, str(error), timezone.now() + backoff(message.attempts))
    except PermanentError as error:
        # e.g. the API key was revoked: left "sending", the sweep would retry it for ever.
        return _fail(message, Message.Status.TECHNICAL_FAILURE, str(error))
    return _mark_sent(message, earlier) if earlier is not None else None


def deliver_message(message_id: int, *, provider: Provider | None = None) -> Outcome:
    """Send one queued message if it is due and still allowed. Safe to call any number of times."""
    provider = provider or get_provider()
    message, outcome = _claim(message_id, provider, timezone.now())
    if message is None:
        return outcome
    if message.attempts > 1:
        earlier = _earlier_attempt(message, provider)
        if earlier is not None:
            return earlier
    try:
        body = sealing.unseal(message.sealed_body) if message.sealed_body else message.body
    except sealing.SealBroken as error:
        return _fail(message, Message.Status.TECHNICAL_FAILURE, str(error))
    rate = pacing.configured_rate(provider.default_rate_per_minute)
    pacing.take(provider.name, rate)
    try:
        result = provider.send(reference=str(message.reference), number=message.number, body=body)
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
