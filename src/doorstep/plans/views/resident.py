"""The resident's pages, opened from the texted link (no account, no JavaScript needed).

Nothing personal is shown until the one-time code is right: the link, the guess throttle and
the session on one device are core.resident_links', with the plan's kind of link and its code
in services/links.py.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core import resident_links
from doorstep.core.forms import add_service_errors
from doorstep.core.resident_links import Refusal
from doorstep.reporting import survey

from .. import queries, services
from ..forms import CodeForm, CommentForm, ResidentActionForm
from ..models import Action, OwnerKind

CONFIRMATIONS = {
    "done": "You have marked it as done",
    "comment": "Your comment has been sent",
    "added": "Your action has been added to your plan",
    "agreed": "You have agreed to your plan",
}


TOO_MANY_GUESSES = (
    "There have been too many tries from your connection. Wait an hour and try again."
)
OPEN_AGAIN = "To see your plan, open the link in the text message we sent you."


def _refused(request, refusal: Refusal, link):
    if refusal == Refusal.TOO_MANY_GUESSES:
        message, status = TOO_MANY_GUESSES, 429
    elif refusal == Refusal.NOT_HELD:
        message, status = OPEN_AGAIN, 403
    else:
        message, status = services.LinkDead.message, 410
    return render(request, "plans/resident/refused.html", {"message": message}, status=status)


def resident_page(*, needs_code: bool = True):
    """Find the link from the token in the address (404 with no hint if there is none),
    refuse stopped or expired links plainly, and unless `needs_code` is False send people
    without a session for this link to the start page."""
    return resident_links.resident_page(services.LINK, refuse=_refused, confirmed=needs_code)


def _action_or_404(link, action_id: int) -> Action:
    action = queries.plan_action(link.plan_id, action_id)
    if action is None:
        raise Http404
    return action


@resident_page(needs_code=False)
@require_http_methods(["GET", "POST"])
def start(request, link, token: str):
    if resident_links.has_session(request, services.LINK, link) and request.method == "GET":
        return redirect("plans:resident_plan", token=token)
    problem = ""
    status = 200
    if request.method == "POST":
        result = services.send_code(link=link)
        if result.ok:
            messages.success(
                request,
                f"We have texted you a code. It works for {settings.PLAN_CODE_MINUTES} minutes",
            )
            return redirect("plans:resident_code", token=token)
        problem, status = result.message, 429
    return render(
        request, "plans/resident/start.html", {"token": token, "problem": problem}, status=status
    )


@resident_page(needs_code=False)
@require_http_methods(["GET", "POST"])
def code(request, link, token: str):
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = resident_links.confirm(request, services.LINK, link, form.cleaned_data["code"])
        if result.ok:
            return redirect("plans:resident_plan", token=token)
        form.add_error("code", result.message)
    return render(
        request,
        "plans/resident/code.html",
        {"token": token, "form": form, "code_minutes": settings.PLAN_CODE_MINUTES},
    )


def _plan_page(request, link, token: str, *, problem: str = "", status: int = 200):
    plan = link.plan
    goals = queries.goals_with_actions(plan)
    return render(
        request,
        "plans/resident/plan.html",
        {
            "token": token,
            "plan": plan,
            "goals": goals,
            "view": queries.resident_view(goals),
            "problem": problem,
        },
        status=status,
    )


@resident_page()
def plan_page(request, link, token: str):
    return _plan_page(request, link, token)


@resident_page()
@require_POST
def mark_done(request, link, token: str, action_id: int):
    action = _action_or_404(link, action_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.set_action_status(
            actor=None,
            action=action,
            version=version,
            status=Action.Status.DONE,
            by_resident=True,
            request=request,
        )
    except services.StaleEdit as error:
        return _plan_page(request, link, token, problem=error.message, status=409)
    except ValidationError as error:
        return _plan_page(request, link, token, problem=" ".join(error.messages), status=400)
    return redirect("plans:resident_confirmation", token=token, what="done")


@resident_page()
@require_http_methods(["GET", "POST"])
def action_page(request, link, token: str, action_id: int):
    action = _action_or_404(link, action_id)
    form = CommentForm(request.POST if request.method == "POST" else None)
    form.fields["body"].label = "Your comment"
    if request.method == "POST" and form.is_valid():
        try:
            services.add_comment(
                actor=None,
                action=action,
                body=form.cleaned_data["body"],
                by_resident=True,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("plans:resident_confirmation", token=token, what="comment")
    return render(
        request,
        "plans/resident/action.html",
        {
            "token": token,
            "plan": link.plan,
            "action": action,
            "comments": list(queries.comments(action)),
            "form": form,
            "yours": action.owner_kind == OwnerKind.RESIDENT,
        },
    )


@resident_page()
@require_http_methods(["GET", "POST"])
def add_action(request, link, token: str):
    goals = list(queries.goals(link.plan))
    form = ResidentActionForm(request.POST if request.method == "POST" else None, goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(
                actor=None,
                goal=form.cleaned_data["goal"],
                description=form.cleaned_data["description"],
                due_date=form.cleaned_data["due_date"],
                by_resident=True,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("plans:resident_confirmation", token=token, what="added")
    return render(
        request,
        "plans/resident/add_action.html",
        {"token": token, "plan": link.plan, "form": form, "goals": goals},
    )


@resident_page()
@require_http_methods(["GET", "POST"])
def agree(request, link, token: str):
    plan = link.plan
    problem = ""
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.agree_plan(plan=plan, version=version, by_resident=True, request=request)
        except services.StaleEdit as error:
            plan.refresh_from_db()
            problem = error.message
        else:
            return redirect("plans:resident_confirmation", token=token, what="agreed")
    return render(
        request,
        "plans/resident/agree.html",
        {"token": token, "plan": plan, "problem": problem},
        status=409 if problem else 200,
    )


@resident_page()
def confirmation(request, link, token: str, what: str):
    if what not in CONFIRMATIONS:
        raise Http404
    context = {"token": token, "plan": link.plan, "what": what, "heading": CONFIRMATIONS[what]}
    if what == "agreed":
        # Agreeing the plan finishes the transaction: ask the one satisfaction question.
        context["invitation"] = survey.invite(
            service="shared_plan", source=link.plan, team=link.plan.team_id
        )
    return render(request, "plans/resident/confirmation.html", context)


@resident_page(needs_code=False)
@require_POST
def leave(request, link, token: str):
    resident_links.end_session(request, services.LINK, link)
    messages.success(request, "You have left your plan. Use the link again to come back")
    return redirect("plans:resident_start", token=token)
