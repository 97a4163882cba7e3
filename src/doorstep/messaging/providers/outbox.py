"""The local outbox: texts stay on this server and appear on the phone simulator page.

Used by default (`make run`, the demo, most tests). It keeps the provider contract: it is
idempotent by reference, reports status a moment later, and answers for Ofcom's drama numbers as
GOV.UK Notify's test key does (07700 900003 fails temporarily, 07700 900002 permanently).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import OutboxEntry
from .base import InboundSms, SendResult, StatusUpdate

OUTCOMES = {
    "+447700900003": "temporary-failure",
    "+447700900002": "permanent-failure",
}


class OutboxProvider:
    name = "outbox"
    default_rate_per_minute = None

    def send(self, *, reference: str, number: str, body: str) -> SendResult:
        try:
            with transaction.atomic():
                entry = OutboxEntry.objects.create(
                    reference=reference,
                    provider_id=f"outbox-{uuid.uuid4()}",
                    number=number,
                    body=body,
                )
        except IntegrityError:
            entry = OutboxEntry.objects.get(reference=reference)
        else:
            _schedule_delivery(entry.provider_id)
        return SendResult(provider_id=entry.provider_id)

    def find_sent(self, reference: str) -> SendResult | None:
        entry = OutboxEntry.objects.filter(reference=reference).first()
        return SendResult(provider_id=entry.provider_id) if entry else None

    def fetch_status(self, provider_id: str) -> StatusUpdate | None:
        entry = OutboxEntry.objects.filter(provider_id=provider_id).first()
        if entry is None:
            return None
        return StatusUpdate(provider_id=provider_id, status=entry.status, reference=entry.reference)

    def fetch_inbound(self) -> list[InboundSms]:
        return []  # replies typed on the simulator are received straight away


def _schedule_delivery(provider_id: str) -> None:
    from ..tasks import outbox_deliver_task

    delay = timedelta(seconds=settings.SMS_OUTBOX_DELIVERY_SECONDS)

    def enqueue():
        if delay:
            outbox_deliver_task.using(run_after=timezone.now() + delay).enqueue(
                provider_id=provider_id
            )
        else:
            outbox_deliver_task.enqueue(provider_id=provider_id)

    transaction.on_commit(enqueue)


def complete_delivery(provider_id: str) -> None:
    """The 'network' reports back: delivered, or the drama number's failure."""
    from .. import services

    entry = OutboxEntry.objects.filter(provider_id=provider_id).first()
    if entry is None:
        return
    status = OUTCOMES.get(entry.number, "delivered")
    OutboxEntry.objects.filter(pk=entry.pk).update(status=status)
    services.record_status(
        provider_name="outbox",
        update=StatusUpdate(provider_id=provider_id, status=status, reference=entry.reference),
    )


def reply_as_resident(*, number: str, body: str):
    """The simulator's 'reply' box: the text arrives as if from the resident's phone."""
    from .. import services

    inbound = InboundSms(
        provider_id=f"outbox-in-{uuid.uuid4()}",
        number=number,
        body=body,
        received_at=timezone.now(),
    )
    return services.receive_message(provider_name="outbox", inbound=inbound)
