"""Residents through the API: search, read, create, change, and the timeline."""

from typing import Annotated

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import P, Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError

from doorstep.core import timeline
from doorstep.residents.models import Resident
from doorstep.residents.search import search_residents

from .. import services
from ..lookups import live_resident, resident_prefetches
from ..schemas import (
    Message,
    NotFound,
    ResidentCreate,
    ResidentOut,
    ResidentUpdate,
    SearchResults,
    TimelinePage,
    ValidationErrors,
)

router = Router(tags=["Residents"])


class _KnownEventKinds:
    """The kinds of event as an enum in the schema, read when the schema is written: each app
    registers its kinds when Django starts. The view checks them, for a message naming them."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        return {"type": "string", "enum": sorted(kind.slug for kind in timeline.kinds())}


EventKind = Annotated[str, _KnownEventKinds()]

# The name other routers import the lookup by; new code uses lookups.live_resident.
_live_resident = live_resident


def _reloaded(resident: Resident) -> Resident:
    return Resident.objects.prefetch_related(*resident_prefetches()).get(pk=resident.pk)


@router.get(
    "",
    response={200: SearchResults, 401: Message, 422: ValidationErrors},
    summary="Find residents",
    url_name="residents",
    description=(
        "The same search as the officer pages: a name (typos allowed), date of birth, "
        "phone number, postcode, National Insurance number or reference. "
        "Merged records are left out. Best match first."
    ),
)
def search(
    request: HttpRequest,
    q: Query[str, P(description="What to look for, like 'Ada Lovelace' or 'E8 1DY'")] = "",
    limit: Query[int, P(ge=1, le=100, description="The most results to return")] = 20,
):
    query = q.strip()
    if not query:
        return {"count": 0, "items": []}
    results = search_residents(query, limit=limit)
    prefetch_related_objects(results, *resident_prefetches())
    services.record_search(actor=request.auth, results=results, request=request)
    return {"count": len(results), "items": results}


@router.post(
    "",
    response={201: ResidentOut, 401: Message, 422: ValidationErrors},
    summary="Create a resident",
)
def create(request: HttpRequest, payload: ResidentCreate, response: HttpResponse):
    resident = services.create_resident(
        actor=request.auth, data=payload.model_dump(exclude_unset=True), request=request
    )
    response["Location"] = reverse("api:resident", args=[resident.pk])
    return Status(201, _reloaded(resident))


@router.get(
    "/{resident_id}",
    response={200: ResidentOut, 401: Message, 404: NotFound},
    summary="Get a resident",
    description="A merged record gives 404 with `merged_into`, the id of the record to use.",
    url_name="resident",
)
def detail(request: HttpRequest, resident_id: int):
    resident = live_resident(resident_id)
    services.record_view(actor=request.auth, resident=resident, request=request)
    return resident


@router.patch(
    "/{resident_id}",
    response={200: ResidentOut, 401: Message, 404: NotFound, 422: ValidationErrors},
    summary="Change a resident",
    description=(
        "Send only the fields to change. null clears a field (false for true/false fields); "
        "first and last names cannot be cleared. Sending `phones` replaces the numbers held."
    ),
)
def update(request: HttpRequest, resident_id: int, payload: ResidentUpdate):
    resident = live_resident(resident_id)
    services.update_resident(
        actor=request.auth,
        resident=resident,
        data=payload.model_dump(exclude_unset=True),
        request=request,
    )
    return _reloaded(resident)


@router.get(
    "/{resident_id}/timeline",
    response={200: TimelinePage, 401: Message, 404: NotFound, 422: ValidationErrors},
    summary="A resident's timeline",
    description=(
        "Everything that happened with the resident, newest first, a page at a time. "
        "A page past the last one has no items."
    ),
)
def resident_timeline(
    request: HttpRequest,
    resident_id: int,
    kind: Query[
        list[EventKind] | None, P(description="Only these kinds (repeat to add more)")
    ] = None,
    page: Query[int, P(ge=1)] = 1,
    per_page: Query[int, P(ge=1, le=100)] = 25,
):
    resident = live_resident(resident_id)
    kinds = list(kind or [])
    known = {event_kind.slug for event_kind in timeline.kinds()}
    unknown = [value for value in kinds if value not in known]
    if unknown:
        raise NinjaValidationError(
            [
                {
                    "loc": ["query", "kind"],
                    "msg": f"'{value}' is not a kind of event. Use one of: {', '.join(sorted(known))}",
                    "type": "value_error",
                }
                for value in unknown
            ]
        )
    events = timeline.events_for(resident.pk, kinds=kinds, page=page, per_page=per_page)
    services.record_view(actor=request.auth, resident=resident, detail="Timeline", request=request)
    # The paginator shows the last page for a page past the end; an API caller wants nothing.
    items = list(events) if events.number == page else []
    return {
        "count": events.paginator.count,
        "page": page,
        "pages": events.paginator.num_pages,
        "per_page": per_page,
        "items": [
            {
                "id": event.id,
                "kind": event.kind,
                "kind_label": timeline.label_for(event.kind),
                "occurred_at": event.occurred_at,
                "summary": event.summary,
                "body": event.body,
                "actor": str(event.actor) if event.actor else None,
            }
            for event in items
        ],
    }
