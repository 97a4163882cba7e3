"""Public pages, no sign-in: the skills check on your own, asking for help, volunteering, events."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .. import queries, services
from ..forms import EventSignupForm, FriendForm, PublicHelpRequestForm, SkillsCheckForm
from ..models import HelpRequest, SkillsCheck
from .common import posted, run_form
from .officer import result_context, rule_context


@login_not_required
@require_http_methods(["GET", "POST"])
def public_check(request):
    form = SkillsCheckForm(posted(request))
    check = run_form(
        request,
        form,
        services.record_skills_check,
        actor=None,
        resident=None,
        source=SkillsCheck.Source.SELF,
    )
    if check:
        # Shown once, not stored against a page address: nobody else can open it.
        return render(
            request,
            "inclusion/public/check_result.html",
            {"check": check, **result_context(check)},
        )
    return render(
        request,
        "inclusion/officer/check_form.html",
        {"form": form, "public": True, **rule_context()},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def ask_for_help(request):
    form = PublicHelpRequestForm(
        posted(request), initial={"consents_to_text": True, "language": "English"}
    )
    if run_form(
        request, form, services.make_help_request, actor=None, source=HelpRequest.Source.PUBLIC
    ):
        return redirect("inclusion:ask_for_help_sent")
    return render(request, "inclusion/public/ask_for_help.html", {"form": form})


@login_not_required
def ask_for_help_sent(request):
    return render(request, "inclusion/public/sent.html", {"what": "request"})


@login_not_required
@require_http_methods(["GET", "POST"])
def volunteer(request):
    form = FriendForm(posted(request), initial={"languages": "English"})
    if run_form(request, form, services.sign_up_friend, actor=None):
        return redirect("inclusion:volunteer_sent")
    return render(request, "inclusion/public/volunteer.html", {"form": form})


@login_not_required
def volunteer_sent(request):
    return render(request, "inclusion/public/sent.html", {"what": "volunteer"})


@login_not_required
def events(request):
    return render(
        request, "inclusion/public/events.html", {"events": list(queries.upcoming_events())}
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def event_signup(request, pk: int):
    event = get_object_or_404(queries.upcoming_events(), pk=pk)
    form = EventSignupForm(posted(request))
    signup = run_form(request, form, services.sign_up_for_event, actor=None, event=event)
    return render(
        request, "inclusion/public/event.html", {"event": event, "form": form, "signup": signup}
    )
