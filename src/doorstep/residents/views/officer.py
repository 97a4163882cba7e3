"""Officer pages for residents: search, the Single View, creating and changing records, notes."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core import panels, timeline

from .. import access, queries, services
from ..forms import FlagForm, HouseholdMemberForm, NoteForm, ResidentForm, SearchForm
from ..search import search_residents
from .common import form_page, posted


@permission_required("residents.view_resident", raise_exception=True)
def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        results = search_residents(query, limit=50)
        services.record_search(actor=request.user, results=results, request=request)
    return render(request, "residents/officer/search.html", {"form": form, "results": results})


@permission_required("residents.view_resident", raise_exception=True)
def detail(request, pk: int):
    resident = queries.resident_for_single_view(pk)
    if resident.merged_into_id:
        messages.info(request, f"This record was merged into {resident.merged_into.reference}")
        return redirect(resident.merged_into)
    services.record_view(actor=request.user, resident=resident, request=request)
    chosen_kinds = [kind for kind in request.GET.getlist("kind") if kind]
    context = {
        "resident": resident,
        "household": queries.household_members(resident),
        "timeline_page": timeline.recent_events(
            resident.pk, kinds=chosen_kinds, page=request.GET.get("page", 1)
        ),
        "timeline_kinds": timeline.kinds(),
        "chosen_kinds": chosen_kinds,
        "panels": panels.panels_for(request, resident),
    }
    return render(request, "residents/officer/detail.html", context)


@permission_required("residents.add_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create(request):
    form = ResidentForm(
        posted(request), initial={"preferred_contact": "text", "language": "English"}
    )
    return form_page(
        request,
        form,
        lambda: services.create_resident(actor=request.user, data=form.changes(), request=request),
        done=lambda resident: f"Record created for {resident.full_name}",
        then=lambda resident: resident,
        template="residents/officer/form.html",
        context={"resident": None},
    )


@permission_required("residents.change_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = ResidentForm(posted(request), resident=resident)
    if request.method != "POST" or not form.is_valid():
        services.record_view(actor=request.user, resident=resident, request=request)
    return form_page(
        request,
        form,
        lambda: services.update_resident(
            actor=request.user, resident=resident, data=form.changes(), request=request
        ),
        done=lambda changed: "Record updated" if changed else "Nothing was changed",
        then=resident,
        template="residents/officer/form.html",
        context={"resident": resident},
    )


def _resident_form_page(request, resident, form, save, *, done: str, heading: str):
    """A short form about one resident: add a note, a flag or a household member."""
    return form_page(
        request,
        form,
        save,
        done=done,
        then=resident,
        template="residents/officer/resident_form.html",
        context={"resident": resident, "heading": heading},
    )


@permission_required("residents.add_note", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_note(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = NoteForm(posted(request))
    return _resident_form_page(
        request,
        resident,
        form,
        lambda: services.add_note(
            actor=request.user, resident=resident, body=form.cleaned_data["body"], request=request
        ),
        done="Note added",
        heading=f"Add a note for {resident.full_name}",
    )


@permission_required("residents.change_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_flag(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = FlagForm(posted(request))
    return _resident_form_page(
        request,
        resident,
        form,
        lambda: services.add_flag(
            actor=request.user, resident=resident, request=request, **form.cleaned_data
        ),
        done="Flag added",
        heading=f"Add a flag for {resident.full_name}",
    )


@permission_required("residents.change_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_household_member(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = HouseholdMemberForm(posted(request))
    return _resident_form_page(
        request,
        resident,
        form,
        lambda: services.add_household_member(
            actor=request.user,
            resident=resident,
            member=form.cleaned_data["reference"],
            relationship=form.cleaned_data["relationship"],
            request=request,
        ),
        done="Added to the household",
        heading=f"Add someone to the household of {resident.full_name}",
    )


@permission_required("residents.change_resident", raise_exception=True)
@require_POST
def remove_household_member(request, pk: int, member_pk: int):
    resident = access.get_resident_for(request.user, pk)
    membership = access.get_household_member_for(request.user, resident, member_pk)
    services.remove_household_member(actor=request.user, membership=membership, request=request)
    messages.success(request, f"{membership.resident.full_name} removed from the household")
    return redirect(resident)
