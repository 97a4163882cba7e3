"""Officer views: the Single View panel and the table of every estimate."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from .. import queries
from ..services import HOUSING_REGISTER_SOURCE


def panel_context(request, resident) -> dict | None:
    """Shown when the resident is linked to a register application.

    The Single View has already loaded the resident's identifiers, so a resident without a
    housing register reference costs no query at all.
    """
    if not request.user.has_perm("residents.view_resident"):
        return None
    references = [
        identifier.value
        for identifier in resident.identifiers.all()
        if identifier.source == HOUSING_REGISTER_SOURCE
    ]
    if not references:
        return None
    application = queries.application_for_resident(resident, references)
    if application is None:
        return None
    return {"position": queries.position_for(application)}


@permission_required("housing.view_estimate", raise_exception=True)
def estimates(request):
    rows = queries.estimates()
    return render(
        request,
        "housing/officer/estimates.html",
        {"estimates": rows, "as_of": rows[0].as_of if rows else None},
    )
