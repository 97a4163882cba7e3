"""Coordinator pages (Team leaders and Administrators): requests, matching, Friends, events, impact."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.forms import add_service_errors

from .. import queries, services, skills
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
from ..models import DigitalFriend, Event, EventSignup, HelpRequest, Match

COORDINATE = "inclusion.coordinate"


def renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service error with its field names changed to the form's (starts_at is day + starts)."""
    return ValidationError({names.get(k, k): v for k, v in error.message_dict.items()})


@permission_required(COORDINATE, raise_exception=True)
def dashboard(request):
    context = {
        "requests": list(queries.waiting_requests()),
        "applicants": list(DigitalFriend.objects.filter(status=DigitalFriend.Status.APPLIED)),
        "events": list(queries.upcoming_events()[:5]),
    }
    return render(request, "inclusion/coordinator/dashboard.html", context)


def _show_warnings(request, arranged) -> None:
    for warning in arranged.warnings:
        messages.warning(request, warning)


@permission_required(COORDINATE, raise_exception=True)
def request_detail(request, pk: int):
    help_request = get_object_or_404(HelpRequest.objects.select_related("resident"), pk=pk)
    waiting = help_request.status in (HelpRequest.Status.WAITING, HelpRequest.Status.OFFERED)
    ranked = queries.ranked_friends(help_request) if waiting else []
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
        "ranked": ranked,
        "matches": list(help_request.matches.select_related("friend")),
        "slots": [skills.SLOTS[s] for s in help_request.availability],
        "form": OfferForm(),
    }
    return render(request, "inclusion/coordinator/request.html", context)


@permission_required(COORDINATE, raise_exception=True)
@require_POST
def offer(request, pk: int):
    help_request = get_object_or_404(HelpRequest, pk=pk)
    form = OfferForm(request.POST)
    friend = None
    if form.is_valid():
        friend = DigitalFriend.objects.filter(pk=form.cleaned_data["friend"]).first()
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
    match = get_object_or_404(Match.objects.select_related("help_request", "friend"), pk=pk)
    form = AcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            arranged = services.accept_match(
                actor=request.user, match=match, request=request, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Arranged: {match.friend.full_name} will help {match.help_request.name}"
            )
            _show_warnings(request, arranged)
            return redirect(match.help_request)
    return render(request, "inclusion/coordinator/arrange.html", {"match": match, "form": form})


@permission_required(COORDINATE, raise_exception=True)
def friends(request):
    rows = list(DigitalFriend.objects.all())
    load = queries.live_load([f.pk for f in rows])
    for friend in rows:
        friend.load = load.get(friend.pk, 0)
    return render(request, "inclusion/coordinator/friends.html", {"friends": rows})


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_new(request):
    form = AdminFriendForm(
        request.POST if request.method == "POST" else None, initial={"languages": "English"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            friend = services.sign_up_friend(
                actor=request.user, request=request, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{friend.full_name} added. Record their checks to approve them"
            )
            return redirect(friend)
    return render(request, "inclusion/coordinator/friend_new.html", {"form": form})


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_detail(request, pk: int):
    friend = get_object_or_404(DigitalFriend, pk=pk)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_friend(
                actor=request.user, friend=friend, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{friend.full_name} approved. They have an e-mail to set a password and sign in",
            )
            return redirect(friend)
    context = {
        "friend": friend,
        "form": form,
        "topics": skills.labels(friend.topics, skills.TOPICS),
        "places": skills.labels(friend.places, skills.PLACES),
        "slots": skills.labels(friend.availability, skills.SLOTS),
        "load": queries.live_load([friend.pk]).get(friend.pk, 0),
        "matches": list(friend.matches.select_related("help_request")[:20]),
    }
    return render(request, "inclusion/coordinator/friend.html", context)


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_edit(request, pk: int):
    friend = get_object_or_404(DigitalFriend, pk=pk)
    form = EditFriendForm(
        request.POST if request.method == "POST" else None,
        friend=friend,
        initial=EditFriendForm.initial_for(friend),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_friend(
                actor=request.user, friend=friend, request=request, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{friend.full_name}'s details saved")
            return redirect(friend)
    return render(
        request, "inclusion/coordinator/friend_edit.html", {"friend": friend, "form": form}
    )


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def friend_decline(request, pk: int):
    friend = get_object_or_404(DigitalFriend, pk=pk)
    form = DeclineFriendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_friend(
                actor=request.user,
                friend=friend,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{friend.full_name} declined. No account was made")
            return redirect(friend)
    return render(
        request, "inclusion/coordinator/friend_decline.html", {"friend": friend, "form": form}
    )


@permission_required(COORDINATE, raise_exception=True)
@require_POST
def friend_pause(request, pk: int):
    friend = get_object_or_404(DigitalFriend, pk=pk)
    paused = request.POST.get("paused") == "yes"
    try:
        services.set_friend_paused(
            actor=request.user, friend=friend, paused=paused, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"{friend.full_name} is {'paused' if paused else 'available again'}"
        )
    return redirect(friend)


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def events_manage(request):
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                actor=request.user, request=request, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, renamed(error, {"starts_at": "day", "ends_at": "ends"}))
        else:
            messages.success(request, f"{event.title} created")
            return redirect("inclusion:event_manage", pk=event.pk)
    events = Event.objects.filter(starts_at__gte=timezone.now() - datetime.timedelta(days=30))
    return render(
        request, "inclusion/coordinator/events.html", {"form": form, "events": list(events)}
    )


@permission_required(COORDINATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def event_manage(request, pk: int):
    event = get_object_or_404(Event, pk=pk)
    capacity_form = CapacityForm(initial={"capacity": event.capacity})
    attendance_error = ""
    if request.method == "POST" and request.POST.get("action") == "capacity":
        capacity_form = CapacityForm(request.POST)
        if capacity_form.is_valid():
            try:
                services.change_event_capacity(
                    actor=request.user,
                    event=event,
                    capacity=capacity_form.cleaned_data["capacity"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(capacity_form, error)
            else:
                messages.success(request, "Capacity changed")
                return redirect("inclusion:event_manage", pk=event.pk)
    elif request.method == "POST" and request.POST.get("action") == "attendance":
        try:
            ids = [int(i) for i in request.POST.getlist("attended")]
            count = services.record_attendance(
                actor=request.user, event=event, attended_ids=ids, request=request
            )
        except (ValueError, ValidationError) as error:
            attendance_error = (
                error.messages[0]
                if isinstance(error, ValidationError)
                else "Tick only people who are booked on this event"
            )
        else:
            messages.success(request, f"Attendance saved: {count} came")
            return redirect("inclusion:event_manage", pk=event.pk)
    signups = list(event.signups.exclude(status=EventSignup.Status.CANCELLED))
    context = {
        "event": event,
        "form": capacity_form,
        "booked": [s for s in signups if s.status == EventSignup.Status.BOOKED],
        "waiting": [s for s in signups if s.status == EventSignup.Status.WAITING],
        "attendance_error": attendance_error,
        "topics": skills.labels(event.topics, skills.TOPICS),
    }
    return render(request, "inclusion/coordinator/event.html", context)


@permission_required(COORDINATE, raise_exception=True)
@require_POST
def booking_cancel(request, pk: int):
    signup = get_object_or_404(EventSignup.objects.select_related("event"), pk=pk)
    cancelled = services.cancel_signup(actor=request.user, signup=signup, request=request)
    note = f"{signup.name}'s place cancelled"
    if cancelled.promoted:
        note += ". Moved up from the waiting list: " + ", ".join(s.name for s in cancelled.promoted)
    messages.success(request, note)
    for warning in cancelled.warnings:
        messages.warning(request, warning)
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
