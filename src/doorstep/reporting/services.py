"""Changes made on the reporting pages: the costs used for cost per transaction; exports audited.

The satisfaction survey's writes (invitations and answers) are in survey.py.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doorstep.core import actors, audit

from .models import ChannelCost, CostSettings


@transaction.atomic
def save_costs(
    *,
    actor,
    channels: dict[str, dict[str, int]],
    price_per_fragment_pence: Decimal,
    monthly_overhead_pence: int,
    request=None,
) -> None:
    """Replace the costs: channels maps a channel to staff_minutes, cost_per_hour_pence and
    postage_pence (validated by the form)."""
    for channel, values in channels.items():
        ChannelCost.objects.update_or_create(channel=channel, defaults=values)
    CostSettings.objects.update_or_create(
        pk=1,
        defaults={
            "price_per_fragment_pence": price_per_fragment_pence,
            "monthly_overhead_pence": monthly_overhead_pence,
            "updated_at": timezone.now(),
            "updated_by": actors.staff_or_none(actor),
        },
    )
    audit.record(
        actor=actor,
        action="update",
        object_type="channel_costs",
        object_id=1,
        detail="Costs for cost per transaction changed",
        request=request,
    )


def record_export(*, actor, detail: str, request=None) -> None:
    """Every export of management information is audited."""
    audit.record(
        actor=actor,
        action="export",
        object_type="management_information",
        detail=detail,
        request=request,
    )
