"""Officer pages for residents: search, the Single View, creating and changing records, notes."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core import panels, timeline
from doorstep.core.forms import add_service_errors

from .. import access, queries, services
from ..forms import FlagForm, HouseholdMemberForm, NoteForm, ResidentForm, SearchForm
from ..search import search_residents


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
        request.POST if request.method == "POST" else None,
        initial={"preferred_contact": "text", "language": "English"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.create_resident(
                actor=request.user, data=form.changes(), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Record created for {resident.full_name}")
            return redirect(resident)
    return render(request, "residents/officer/form.html", {"form": form, "resident": None})


@permission_required("residents.change_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = ResidentForm(request.POST if request.method == "POST" else None, resident=resident)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_resident(
                actor=request.user, resident=resident, data=form.changes(), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Record updated" if changed else "Nothing was changed")
            return redirect(resident)
    else:
        services.record_view(actor=request.user, resident=resident, request=request)
    return render(request, "residents/officer/form.html", {"form": form, "resident": resident})


@permission_required("residents.add_note", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_note(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(
                actor=request.user,
                resident=resident,
                body=form.cleaned_data["body"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Note added")
            return redirect(resident)
    return render(request, "residents/officer/note_form.html", {"form": form, "resident": resident})


@permission_required("residents.change_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_flag(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = FlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.add_flag(
            actor=request.user,
            resident=resident,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            request=request,
        )
        messages.success(request, "Flag added")
        return redirect(resident)
    return render(request, "residents/officer/flag_form.html", {"form": form, "resident": resident})


@permission_required("residents.change_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_household_member(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    form = HouseholdMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_household_member(
                actor=request.user,
                resident=resident,
                member=form.cleaned_data["reference"],
                relationship=form.cleaned_data["relationship"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the household")
            return redirect(resident)
    return render(
        request, "residents/officer/household_form.html", {"form": form, "resident": resident}
    )


@permission_required("residents.change_resident", raise_exception=True)
@require_POST
def remove_household_member(request, pk: int, member_pk: int):
    resident = access.get_resident_for(request.user, pk)
    membership = access.get_household_member_for(request.user, resident, member_pk)
    services.remove_household_member(actor=request.user, membership=membership, request=request)
    messages.success(request, f"{membership.resident.full_name} removed from the household")
    return redirect(resident)
