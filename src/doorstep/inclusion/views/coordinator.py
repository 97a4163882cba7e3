"""Coordinator pages (Team leaders and Administrators): requests, matching, Friends, events, impact."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from .. import access, queries, services, skills
from ..forms import (
    AcceptForm,
    AdminFriendForm,
    ApproveForm,
    CapacityForm,
    DeclineFriendForm,
    EditFriendForm,
    EventForm,
    ImpactForm,
    OfferForm,
)
from ..models import HelpRequest
from .common import posted, report, run_button, run_form

COORDINATE = access.COORDINATE


def _found(obj):
    if obj is None:
        raise Http404
    return obj


@permission_required(COORDINATE, raise_exception=True)
def dashboard(request):
    context = {
        "requests": list(queries.waiting_requests()),
        "applicants": list(queries.applicants()),
        "events": list(queries.upcoming_events()[:5]),
    }
    return render(request, "inclusion/coordinator/dashboard.html", context)


@permission_required(COORDINATE, raise_exception=True)
def request_detail(request, pk: int):
    help_request = access.get_help_request_for(request.user, pk)
    waiting = help_request.status in (HelpRequest.Status.WAITING, HelpRequest.Status.OFFERED)
    if help_request.resident_id:
        services.record_view(
            actor=request.user,
            resident_id=help_request.resident_id,
            object_type="help_request",
            object_id=help_request.pk,
            detail="Coordinator's request page",
            request=request,
        )
    context = {
        "help_request": help_request,
        "ranked": queries.ranked_friends(help_request) if waiting else [],
        "matches": queries.matches_of_request(help_request),
        "slots": [skills.SLOTS[s] for s in help_request.availability],
        "form": OfferForm(),
    }
    return render(request, "inclusion/coordinator/request.html", context)


@permission_required(COORDINATE, raise_exception=True)
@require_POST
def offer(request, pk: int):
    help_request = access.get_help_request_for(request.user, pk)
    form = OfferForm(request.POST)
    friend = queries.friend(form.cleaned_data["friend"]) if form.is_valid() else None
    if friend is None:
        messages.error(request, "Choose a Digital Friend from the list")
        return redirect(help_request)
    try:
        services.offer_match(
            actor=request.user, help_request=help_request, friend=friend, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(help_request)
    messages.success(
        request,
        f"Offered to {friend.full_name}. They can accept on their page, or you can arrange it now",
    )
    return redirect(help_request)


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def arrange(request, pk: int):
    match = access.get_match_for(request.user, pk)
    form = AcceptForm(posted(request))
    arranged = run_form(request, form, services.accept_match, match=match)
    if arranged:
        report(
            request,
            f"Arranged: {match.friend.full_name} will help {match.help_request.name}",
            arranged.warnings,
        )
        return redirect(match.help_request)
    if match.help_request.resident_id:
        services.record_view(
            actor=request.user,
            resident_id=match.help_request.resident_id,
            object_type="help_request",
            object_id=match.help_request_id,
            detail="Coordinator's arrange page",
            request=request,
        )
    return render(request, "inclusion/coordinator/arrange.html", {"match": match, "form": form})


@permission_required(COORDINATE, raise_exception=True)
def friends(request):
    rows = queries.friends_with_load()
    return render(request, "inclusion/coordinator/friends.html", {"friends": rows})


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_new(request):
    form = AdminFriendForm(posted(request), initial={"languages": "English"})
    friend = run_form(request, form, services.sign_up_friend)
    if friend:
        messages.success(request, f"{friend.full_name} added. Record their checks to approve them")
        return redirect(friend)
    return render(request, "inclusion/coordinator/friend_new.html", {"form": form})


def _friend_form_page(request, friend, form, service, *, success: str, template: str, **context):
    """A page changing a Friend's record: back to their page once the service has run."""
    if run_form(request, form, service, friend=friend):
        messages.success(request, success)
        return redirect(friend)
    return render(request, template, {"friend": friend, "form": form, **context})


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_detail(request, pk: int):
    friend = access.get_friend_for(request.user, pk)
    return _friend_form_page(
        request,
        friend,
        ApproveForm(posted(request)),
        services.approve_friend,
        success=f"{friend.full_name} approved. They have an e-mail to set a password and sign in",
        template="inclusion/coordinator/friend.html",
        topics=skills.labels(friend.topics, skills.TOPICS),
        places=skills.labels(friend.places, skills.PLACES),
        slots=skills.labels(friend.availability, skills.SLOTS),
        load=queries.live_load([friend.pk]).get(friend.pk, 0),
        matches=queries.matches_of_friend(friend),
    )


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_edit(request, pk: int):
    friend = access.get_friend_for(request.user, pk)
    initial = EditFriendForm.initial_for(friend)
    return _friend_form_page(
        request,
        friend,
        EditFriendForm(posted(request), friend=friend, initial=initial),
        services.update_friend,
        success=f"{friend.full_name}'s details saved",
        template="inclusion/coordinator/friend_edit.html",
    )


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_decline(request, pk: int):
    friend = access.get_friend_for(request.user, pk)
    return _friend_form_page(
        request,
        friend,
        DeclineFriendForm(posted(request)),
        services.decline_friend,
        success=f"{friend.full_name} declined. No account was made",
        template="inclusion/coordinator/friend_decline.html",
    )


@permission_required(COORDINATE, raise_exception=True)
@require_POST
def friend_pause(request, pk: int):
    friend = access.get_friend_for(request.user, pk)
    paused = request.POST.get("paused") == "yes"
    return run_button(
        request,
        services.set_friend_paused,
        friend=friend,
        paused=paused,
        success=f"{friend.full_name} is {'paused' if paused else 'available again'}",
        then=friend,
    )


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def events_manage(request):
    form = EventForm(posted(request))
    event = run_form(
        request, form, services.create_event, names={"starts_at": "day", "ends_at": "ends"}
    )
    if event:
        messages.success(request, f"{event.title} created")
        return redirect("inclusion:event_manage", pk=event.pk)
    return render(
        request,
        "inclusion/coordinator/events.html",
        {"form": form, "events": list(queries.recent_events())},
    )


def _change_capacity(request, event, form) -> bool:
    changed = run_form(request, form, services.change_event_capacity, event=event)
    if changed:
        messages.success(request, "Capacity changed")
    return bool(changed)


def _take_attendance(request, event) -> str:
    """Save who came; returns the problem to show, or "" once saved."""
    try:
        ids = [int(i) for i in request.POST.getlist("attended")]
        count = services.record_attendance(
            actor=request.user, event=event, attended_ids=ids, request=request
        )
    except ValueError:
        return "Tick only people who are booked on this event"
    except ValidationError as error:
        return error.messages[0]
    messages.success(request, f"Attendance saved: {count} came")
    return ""


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def event_manage(request, pk: int):
    event = _found(queries.event(pk))
    capacity_form = CapacityForm(initial={"capacity": event.capacity})
    attendance_error = ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "capacity":
        capacity_form = CapacityForm(request.POST)
        if _change_capacity(request, event, capacity_form):
            return redirect("inclusion:event_manage", pk=event.pk)
    elif action == "attendance":
        attendance_error = _take_attendance(request, event)
        if not attendance_error:
            return redirect("inclusion:event_manage", pk=event.pk)
    places = queries.places_taken(event)
    services.record_list_view(
        actor=request.user,
        resident_ids=[s.resident_id for signups in places.values() for s in signups],
        object_type="event_signup",
        detail=f"Event page: {event.pk}",
        request=request,
    )
    context = {
        "event": event,
        "form": capacity_form,
        **places,
        "attendance_error": attendance_error,
        "topics": skills.labels(event.topics, skills.TOPICS),
    }
    return render(request, "inclusion/coordinator/event.html", context)


@permission_required(COORDINATE, raise_exception=True)
@require_POST
def booking_cancel(request, pk: int):
    signup = _found(queries.event_signup(pk))
    cancelled = services.cancel_signup(actor=request.user, signup=signup, request=request)
    note = f"{signup.name}'s place cancelled"
    if cancelled.promoted:
        note += ". Moved up from the waiting list: " + ", ".join(s.name for s in cancelled.promoted)
    report(request, note, cancelled.warnings)
    return redirect("inclusion:event_manage", pk=signup.event_id)


@permission_required(COORDINATE, raise_exception=True)
def impact(request):
    today = timezone.localdate()
    initial = {"start": today.replace(day=1), "end": today, "area": ""}
    form = ImpactForm(request.GET or None, initial=initial)
    figures = None
    if not request.GET:
        figures = queries.impact(**initial)
    elif form.is_valid():
        data = form.cleaned_data
        figures = queries.impact(
            start=data["start"] or initial["start"],
            end=data["end"] or initial["end"],
            area=data["area"],
        )
    return render(request, "inclusion/coordinator/impact.html", {"form": form, "figures": figures})
