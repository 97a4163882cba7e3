"""Finding the record an API call names, for the caller behind the token, or the API's 404.

Every router answers a missing record, or one the caller may not see, the same way: 404 with
`{"detail": "There is no <thing> with id <pk>"}` (see errors.NotFoundError). A merged resident
also gives 404, naming the record to use instead.
"""

from collections.abc import Callable

from django.db.models import Prefetch
from django.http import Http404, HttpRequest

from doorstep.residents.models import Flag, Resident

from .errors import NotFoundError

# Merged records can be merged again; follow the chain this far at most.
MAX_MERGE_HOPS = 10


def resident_prefetches() -> list:
    """What a resident's API shape reads besides the record: phones, identifiers, live flags."""
    return [
        "phones",
        "identifiers",
        Prefetch("flags", queryset=Flag.objects.filter(is_active=True), to_attr="active_flags"),
    ]


def live_resident(resident_id: int) -> Resident:
    """The resident with this id, or 404; a merged record's 404 names the record it went into."""
    resident = (
        Resident.objects.filter(pk=resident_id).prefetch_related(*resident_prefetches()).first()
    )
    if resident is None:
        raise NotFoundError(f"There is no resident with id {resident_id}")
    if resident.merged_into_id is not None:
        target = resident.merged_into_id
        for _ in range(MAX_MERGE_HOPS):
            onward = Resident.objects.filter(pk=target).values_list("merged_into", flat=True)
            if not onward or onward[0] is None:
                break
            target = onward[0]
        raise NotFoundError(
            f"Resident {resident_id} was merged into resident {target}: use that id instead",
            merged_into=target,
        )
    return resident


def found_for(getter: Callable, request: HttpRequest, pk: int, what: str):
    """One record the token may see, through the app's `access.get_<thing>_for(actor, pk)`,
    or 404 naming what was asked for ("There is no <what> with id <pk>")."""
    try:
        return getter(request.auth, pk)
    except Http404 as missing:
        raise NotFoundError(f"There is no {what} with id {pk}") from missing
