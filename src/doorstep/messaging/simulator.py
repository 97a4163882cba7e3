"""The phone simulator: with the local outbox as provider, it plays the phone network.

Texts the outbox accepts are 'delivered' a moment later (see `tasks.report_outbox_delivery`),
except to Ofcom's drama numbers, which fail as GOV.UK Notify's test key makes them: 07700 900003
temporarily, 07700 900002 permanently. Replies typed on the simulator page arrive through
`services.reply_as_resident`, as if from the resident's phone.
"""

from .models import OutboxEntry
from .providers import StatusUpdate
from .providers.outbox import OutboxProvider
from .receipts import record_status

OUTCOMES = {
    "+447700900003": "temporary-failure",
    "+447700900002": "permanent-failure",
}


def complete_delivery(provider_id: str) -> None:
    """The 'network' reports back: delivered, or the drama number's failure."""
    entry = OutboxEntry.objects.filter(provider_id=provider_id).first()
    if entry is None:
        return
    status = OUTCOMES.get(entry.number, "delivered")
    OutboxEntry.objects.filter(pk=entry.pk).update(status=status)
    record_status(
        provider_name=OutboxProvider.name,
        update=StatusUpdate(provider_id=provider_id, status=status, reference=entry.reference),
    )
