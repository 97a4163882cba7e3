"""Recording a change to a resident's own record."""

from collections.abc import Iterable

from django.http import HttpRequest

from doorstep.core.changes import Timeline, record_change

from .models import Resident


def record_resident_change(
    *,
    actor,
    action: str,
    resident: Resident,
    fields: Iterable[str],
    request: HttpRequest | None = None,
    summary: str = "",
    timeline_event: Timeline | None = None,
) -> None:
    """`record_change` for a write whose object is the resident's record itself: the audit
    record, the timeline event (if any) and the service event all point at the resident."""
    record_change(
        actor=actor,
        action=action,
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        fields=fields,
        summary=summary,
        request=request,
        timeline_event=timeline_event,
    )
