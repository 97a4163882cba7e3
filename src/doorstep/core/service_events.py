"""Record countable events for management information.

Capabilities call `record` from their services, inside the transaction that made the change.
Reporting only reads the table; nothing else updates or deletes rows.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import models

from .models import ServiceEvent, Team


def _event(
    *,
    name: str,
    team: Team | int | None = None,
    channel: str = "",
    value: int = 1,
    source: models.Model | None = None,
    occurred_at: datetime | None = None,
    attributes: dict | None = None,
) -> ServiceEvent:
    if channel and channel not in ServiceEvent.Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    event = ServiceEvent(
        name=name,
        channel=channel,
        value=value,
        attributes=attributes or {},
    )
    if isinstance(team, Team):
        event.team = team
    else:
        event.team_id = team
    if occurred_at is not None:
        event.occurred_at = occurred_at
    if source is not None:
        event.object_type = source._meta.label_lower
        event.object_id = str(source.pk)
    return event


def record(**kwargs) -> ServiceEvent:
    """Record one event: name, team, channel, value, source (a model instance), occurred_at, attributes."""
    event = _event(**kwargs)
    event.save()
    return event


def record_many(events: Iterable[dict]) -> int:
    """Record many events in one statement (cohort sends, imports)."""
    rows = [_event(**kwargs) for kwargs in events]
    ServiceEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
