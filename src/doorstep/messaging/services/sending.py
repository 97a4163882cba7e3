"""Queuing texts: one to a resident, an automatic one to a number, and reminders (nudges).

A text is written (with its unique reference) before anything is sent, and delivery is asked
for only when that write commits (see `delivery.deliver_message` for the rest of the path).
"""

from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doorstep.core import actors
from doorstep.residents.models import Resident

from .. import nudges, rules, sealing, sms, tasks
from ..composing import NotTextable, preview_message
from ..models import Message, Template
from .records import record_text_change


def _queue(*, body: str, sent_body: str = "", **fields) -> Message:
    """Write one outbound text, queued, and ask for its delivery once the write commits.

    `sent_body` is the text with its secrets, when `body` shows them redacted: only its
    encrypted form is stored, and the count of text messages is the real one.
    """
    info = sms.measure(sent_body or body, settings.SMS_PROVIDER)
    message = Message.objects.create(
        direction=Message.Direction.OUTBOUND,
        status=Message.Status.QUEUED,
        body=body,
        sealed_body=sealing.seal(sent_body) if sent_body else "",
        fragments=info.fragments,
        encoding=info.encoding,
        **fields,
    )
    run_after = message.send_after if message.send_after > timezone.now() else None
    transaction.on_commit(lambda: tasks.enqueue_delivery(message.pk, run_after))
    return message


@transaction.atomic
def send_message(
    *,
    resident: Resident,
    actor,
    body: str = "",
    template: Template | None = None,
    values: Mapping[str, str | None] | None = None,
    secrets: Mapping[str, str] | None = None,
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
    `secrets` fill placeholders only the resident may see (a link with its token, a code):
    the stored text shows them as "••••••" (see sealing.py).
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
        secrets=secrets,
        kind=kind,
        number=number,
        team=team,
    )
    message = _queue(
        body=composed.body,
        sent_body=composed.sent_body,
        kind=kind,
        resident=resident,
        number=composed.number,
        template=template,
        staff=actors.staff_or_none(actor),
        team=composed.team,
        idempotency_key=idempotency_key,
        condition=condition,
        send_after=rules.next_send_time(send_after or timezone.now()),
    )
    summary = f"{message.get_kind_display()} queued"
    record_text_change(
        actor=actor, action="create", message=message, summary=summary, request=request
    )
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
    secrets: Mapping[str, str] | None = None,
) -> Message:
    """An automatic text (opt-out confirmation, out-of-hours reply): sent once per key.

    With `secrets`, `body` has their ((placeholders)), stored redacted as in `send_message`.
    """
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    sent_text = ""
    if secrets:
        redacted = {name: sealing.redact(value) for name, value in secrets.items()}
        text = sms.render(body, redacted, allowed=list(secrets))
        sent_text = sms.render(body, secrets, allowed=list(secrets))
    else:
        text = sms.normalise(body)
        sms.check_length(text)
    return _queue(
        body=text,
        sent_body=sent_text,
        kind=Message.Kind.SYSTEM,
        resident=resident,
        number=number,
        team=team,
        idempotency_key=idempotency_key,
        ignores_opt_out=ignores_opt_out,
        send_after=rules.next_send_time(timezone.now()),
    )


# --- Reminders -------------------------------------------------------------------------------


def schedule_nudge(
    *,
    resident: Resident,
    send_after: datetime,
    condition: str,
    body: str = "",
    template: Template | None = None,
    values: Mapping[str, str | None] | None = None,
    secrets: Mapping[str, str] | None = None,
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
            secrets=secrets,
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
    waiting = _waiting_nudges().filter(condition=condition)
    return _cancel(waiting, "No longer needed: " + nudges.describe(condition))


@transaction.atomic
def cancel_nudges_matching(*, prefix: str, contains: str = "", keep=()) -> list[str]:
    """Drop the reminders still waiting whose condition starts with `prefix` (and holds
    `contains`), except those in `keep`; returns their conditions. For a caller whose
    reminders cover several things, rewritten when one of them changes."""
    waiting = (
        _waiting_nudges()
        .filter(condition__startswith=prefix, condition__contains=contains)
        .exclude(condition__in=list(keep))
    )
    conditions = list(waiting.values_list("condition", flat=True))
    _cancel(waiting, "No longer needed: replaced by a newer reminder")
    return conditions


def _waiting_nudges():
    """Reminders still queued, not yet sent."""
    return Message.objects.filter(status=Message.Status.QUEUED, kind=Message.Kind.NUDGE)


def _cancel(waiting, error: str) -> int:
    """Mark these queued texts as not sent, with `error` saying why; forget their secrets."""
    return waiting.update(
        status=Message.Status.CANCELLED,
        sealed_body="",
        completed_at=timezone.now(),
        error=error,
    )
