"""The local outbox: texts stay on this server and appear on the phone simulator page.

Used by default (`make run`, the demo, most tests). It keeps the provider contract: it is
idempotent by reference, and its network (the phone simulator, `messaging.simulator`, connected
with `connect_network` when the app starts) reports each text's status a moment later.
"""

import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction

from ..models import OutboxEntry
from .base import InboundSms, SendResult, StatusUpdate

# Told the provider id of each text the outbox accepts for the first time.
_networks: list[Callable[[str], None]] = []


def connect_network(accepted: Callable[[str], None]) -> None:
    if accepted not in _networks:
        _networks.append(accepted)


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
            for accepted in _networks:
                accepted(entry.provider_id)
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
