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
    service_name: str = "",
) -> ServiceEvent:
    if service_name:
        attributes = {**(attributes or {}), "service": service_name}
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


# Transactions, for the four service KPIs (docs/events.md). A transaction is one thing a resident
# sets out to get done, such as "send the documents asked for" or "agree a housing plan". The
# capability that owns it records when it starts and, once, when it completes; reporting treats a
# start without a completion as a drop-out.
TRANSACTION_STARTED = "transaction.started"
TRANSACTION_COMPLETED = "transaction.completed"
OUTCOME_DONE = "done"
# "Not eligible" still counts as completed, as the Service Manual counts it.
OUTCOME_NOT_ELIGIBLE = "not_eligible"


def transaction_started(
    *, service: str, source: models.Model, team: Team | int | None = None, channel: str = ""
) -> ServiceEvent:
    """Record that a resident started a transaction of `service` (e.g. "evidence_request")."""
    return record(
        name=TRANSACTION_STARTED,
        service_name=service,
        source=source,
        team=team,
        channel=channel,
    )


def transaction_completed(
    *,
    service: str,
    source: models.Model,
    channel: str,
    team: Team | int | None = None,
    outcome: str = OUTCOME_DONE,
) -> ServiceEvent | None:
    """Record that the transaction `source` completed, through `channel`, at most once.

    The channel is how it was completed: "digital" (the resident online on their own),
    "assisted_digital" (online with an officer or Digital Friend helping), or "phone", "paper",
    "face_to_face" (staff did it in the back office). Returns None if it was already recorded.
    """
    if outcome not in (OUTCOME_DONE, OUTCOME_NOT_ELIGIBLE):
        raise ValueError(f"Unknown outcome {outcome!r}")
    already = ServiceEvent.objects.filter(
        name=TRANSACTION_COMPLETED,
        object_type=source._meta.label_lower,
        object_id=str(source.pk),
    ).exists()
    if already:
        return None
    return record(
        name=TRANSACTION_COMPLETED,
        service_name=service,
        source=source,
        team=team,
        channel=channel,
        attributes={"outcome": outcome},
    )
