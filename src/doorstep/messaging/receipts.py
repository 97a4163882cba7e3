"""Delivery receipts: what became of a text after the provider took it."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doorstep.core import service_events

from . import rules
from .models import STATUS_RANK, Message
from .providers import StatusUpdate
from .providers.base import is_uuid

log = logging.getLogger(__name__)


def record_status(*, provider_name: str, update: StatusUpdate) -> Message | None:
    """Apply a delivery receipt. Status only moves forward; anything else is logged and ignored."""
    with transaction.atomic():
        lookup = Q(provider=provider_name, provider_id=update.provider_id)
        if update.reference:
            lookup |= Q(reference=update.reference) if is_uuid(update.reference) else Q()
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
        sealed_body="",
    )
