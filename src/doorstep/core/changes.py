"""One step for every change to a resident's data: the audit record, the timeline event and,
when the change counts for management information, the service event.

Call `record_change` inside the transaction that made the change, so all three are written or
none is. Services call it; views and API routes never write audit records themselves.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.http import HttpRequest

from . import audit, service_events, timeline
from .models import AuditEvent, ServiceEvent, TimelineEvent


@dataclass(frozen=True)
class Timeline:
    """The timeline event to add beside the audit record (the summary defaults to the audit's)."""

    kind: str
    summary: str = ""
    body: str = ""
    source: models.Model | None = None
    url: str = ""
    # When it happened, if not now (a record of something done earlier).
    occurred_at: datetime.datetime | None = None


@dataclass
class Recorded:
    audit: AuditEvent
    timeline: TimelineEvent | None = None
    event: ServiceEvent | None = None


def record_change(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: object = "",
    resident_id: int | None = None,
    summary: str = "",
    fields: Iterable[str] = (),
    request: HttpRequest | None = None,
    timeline_event: Timeline | None = None,
    event: dict | None = None,
) -> Recorded:
    """Audit a change and, when given, add its timeline event and service event.

    `summary` is the audit record's detail and the timeline's default summary. `event` holds the
    keyword arguments of `service_events.record` (name, team, channel, value, source…). The
    timeline needs a resident: without `resident_id` only the audit and service event are written.
    """
    written = Recorded(
        audit=audit.record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            resident_id=resident_id,
            fields=fields,
            detail=summary,
            request=request,
        )
    )
    if timeline_event is not None and resident_id is not None:
        written.timeline = timeline.add_event(
            resident_id=resident_id,
            kind=timeline_event.kind,
            summary=timeline_event.summary or summary,
            body=timeline_event.body,
            actor=actor,
            source=timeline_event.source,
            url=timeline_event.url,
            occurred_at=timeline_event.occurred_at,
        )
    if event is not None:
        written.event = service_events.record(**event)
    return written
