"""A Digital Friend's own pages: the people matched to them (name, contact and the request,
nothing else from the resident's record), accepting, and logging sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.forms import add_service_errors

from .. import queries, services, skills
from ..forms import AcceptForm, SessionForm
from ..models import Match

LOG = "inclusion.log_session"


def _own_match(request, pk: int) -> Match:
    match = queries.match_for_friend(request.user, pk)
    if match is None:
        raise PermissionDenied
    return match


@permission_required(LOG, raise_exception=True)
def my_learners(request):
    return render(
        request,
        "inclusion/friend/learners.html",
        {
            "friend": queries.friend_for(request.user),
            "matches": list(queries.matches_for_friend(request.user)),
        },
    )


@permission_required(LOG, raise_exception=True)
@require_http_methods(["GET", "POST"])
def learner(request, pk: int):
    match = _own_match(request, pk)
    help_request = match.help_request
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
                request, f"Accepted. You and {help_request.name} have a text with the arrangement"
            )
            for warning in arranged.warnings:
                messages.warning(request, warning)
            return redirect("inclusion:learner", pk=match.pk)
    services.record_view(
        actor=request.user,
        resident_id=help_request.resident_id,
        object_type="help_request",
        object_id=help_request.pk,
        detail="Digital Friend's match page",
        request=request,
    )
    context = {
        "match": match,
        "help_request": help_request,
        "form": form,
        "slots": skills.labels(help_request.availability, skills.SLOTS),
        "sessions": list(match.sessions.all()),
    }
    return render(request, "inclusion/friend/learner.html", context)


@permission_required(LOG, raise_exception=True)
@require_POST
def decline(request, pk: int):
    match = _own_match(request, pk)
    try:
        services.decline_match(actor=request.user, match=match, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("inclusion:learner", pk=match.pk)
    messages.success(request, "Declined. The coordinator will find someone else")
    return redirect("inclusion:my_learners")


@permission_required(LOG, raise_exception=True)
@require_POST
def finish(request, pk: int):
    match = _own_match(request, pk)
    try:
        services.end_match(actor=request.user, match=match, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Finished helping {match.help_request.name}. Thank you")
    return redirect("inclusion:my_learners")


@permission_required(LOG, raise_exception=True)
@require_http_methods(["GET", "POST"])
def log_session(request, pk: int):
    match = _own_match(request, pk)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        initial={"topics": match.help_request.topics},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.log_session(
                actor=request.user, match=match, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session saved")
            return redirect("inclusion:learner", pk=match.pk)
    return render(request, "inclusion/friend/session.html", {"match": match, "form": form})
