"""A Digital Friend's own pages: the people matched to them (name and the request, contact
while the match is accepted and active, nothing else from the resident's record), accepting,
and logging sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import access, queries, services, skills
from ..forms import AcceptForm, SessionForm
from .common import posted, report, run_button, run_form

LOG = access.LOG_SESSION


@permission_required(LOG, raise_exception=True)
def my_learners(request):
    matches = list(queries.matches_for_friend(request.user))
    services.record_list_view(
        actor=request.user,
        resident_ids=[match.help_request.resident_id for match in matches],
        object_type="help_request",
        detail="Digital Friend's learners list",
        request=request,
    )
    return render(
        request,
        "inclusion/friend/learners.html",
        {"friend": queries.friend_for(request.user), "matches": matches},
    )


@permission_required(LOG, raise_exception=True)
@require_http_methods(["GET", "POST"])
def learner(request, pk: int):
    match = access.get_own_match_for(request.user, pk)
    help_request = match.help_request
    form = AcceptForm(posted(request))
    arranged = run_form(request, form, services.accept_match, match=match)
    if arranged:
        if arranged.warnings:
            report(request, f"Accepted: you are helping {help_request.name}", arranged.warnings)
        else:
            messages.success(
                request, f"Accepted. You and {help_request.name} have a text with the arrangement"
            )
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
        "show_contact": access.can_see_learner_contact(request.user, match),
        "form": form,
        "slots": skills.labels(help_request.availability, skills.SLOTS),
        "sessions": queries.sessions_of(match),
    }
    return render(request, "inclusion/friend/learner.html", context)


@permission_required(LOG, raise_exception=True)
@require_POST
def decline(request, pk: int):
    match = access.get_own_match_for(request.user, pk)
    return run_button(
        request,
        services.decline_match,
        match=match,
        success="Declined. The coordinator will find someone else",
        then="inclusion:my_learners",
        refused=reverse("inclusion:learner", args=[match.pk]),
    )


@permission_required(LOG, raise_exception=True)
@require_POST
def finish(request, pk: int):
    match = access.get_own_match_for(request.user, pk)
    return run_button(
        request,
        services.end_match,
        match=match,
        success=f"Finished helping {match.help_request.name}. Thank you",
        then="inclusion:my_learners",
    )


@permission_required(LOG, raise_exception=True)
@require_http_methods(["GET", "POST"])
def log_session(request, pk: int):
    match = access.get_own_match_for(request.user, pk)
    form = SessionForm(posted(request), initial={"topics": match.help_request.topics})
    logged = run_form(request, form, services.log_session, match=match)
    if logged:
        messages.success(request, "Session saved")
        return redirect("inclusion:learner", pk=match.pk)
    return render(request, "inclusion/friend/session.html", {"match": match, "form": form})
