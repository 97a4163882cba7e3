"""The regular check-up that keeps texts moving when a task, a callback or a worker went missing.

Run every 15 seconds by `manage.py messaging_sweep --loop` (scripts/run.sh; or cron each minute).
Each step is safe to repeat.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import services
from .models import Message
from .providers import ProviderError, get_provider

log = logging.getLogger(__name__)

# Ask the provider for a status when no callback came within this time (Notify sends none for
# some technical failures).
POLL_STATUS_AFTER = timedelta(minutes=30)
BATCH = 200


@dataclass
class SweepReport:
    resent: int = 0
    recovered: int = 0
    polled: int = 0
    expired: int = 0
    received: int = 0

    def __str__(self) -> str:
        return (
            f"{self.resent} late texts sent, {self.recovered} interrupted sends recovered, "
            f"{self.polled} statuses fetched, {self.expired} expired, {self.received} texts received"
        )


# Group texts this sweep process took over from a dead dispatch: its own sends renew the
# cohort's "sending" times, which must not make it look alive again.
_taken_over: set[int] = set()


def _cohorts_being_sent(outbound, now: datetime) -> set[int]:
    """Group texts whose dispatch task is alive: it started a text within the send lease (each
    text it sends renews that). Their overdue texts are its to send at the provider's pace; once
    it dies, they are the sweep's within a lease."""
    recent = set(
        outbound.filter(
            cohort_id__isnull=False, sending_at__gte=now - services.send_lease()
        ).values_list("cohort_id", flat=True)
    )
    return recent - _taken_over


def sweep(now: datetime | None = None, provider=None) -> SweepReport:
    now = now or timezone.now()
    provider = provider or get_provider()
    report = SweepReport()
    outbound = Message.objects.filter(direction=Message.Direction.OUTBOUND)

    lost = (
        outbound.filter(
            status=Message.Status.QUEUED,
            send_after__lt=now - timedelta(seconds=settings.SMS_LOST_TASK_SECONDS),
        )
        .exclude(cohort_id__in=_cohorts_being_sent(outbound, now))
        .values_list("pk", "cohort_id")[:BATCH]
    )
    lost = list(lost)
    _taken_over.update(cohort_id for _, cohort_id in lost if cohort_id)
    for message_id, _ in lost:
        if services.deliver_message(message_id, provider=provider).result == "sent":
            report.resent += 1

    interrupted = outbound.filter(
        status=Message.Status.SENDING, sending_at__lt=now - services.send_lease()
    ).values_list("pk", flat=True)[:BATCH]
    for message_id in list(interrupted):
        if services.deliver_message(message_id, provider=provider).result == "sent":
            report.recovered += 1

    report.expired = services.expire_unconfirmed(now)

    waiting = outbound.filter(
        status=Message.Status.SENT,
        provider=provider.name,
        sent_at__lt=now - POLL_STATUS_AFTER,
    ).exclude(provider_id="")[:BATCH]
    for message in list(waiting):
        try:
            update = provider.fetch_status(message.provider_id)
        except ProviderError as error:
            log.warning("Could not fetch status of %s: %s", message.pk, error)
            break
        if update and services.record_status(provider_name=provider.name, update=update):
            report.polled += 1

    try:
        inbound = provider.fetch_inbound()
    except ProviderError as error:
        log.warning("Could not fetch received texts: %s", error)
        inbound = []
    for text in inbound:
        if services.receive_message(provider_name=provider.name, inbound=text):
            report.received += 1
    return report
