"""Officer pages for shared plans: make, change, share, print and read the history.

Every page that shows a plan writes an audit record. An edit made from an older version is
refused by the service; the page then shows who changed it and when, the latest version, and
the form as the officer filled it in. Who may do what is access.py's; the writes are services'.
"""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.forms import add_service_errors
from doorstep.messaging.services import NotTextable

from .. import access, queries, services
from ..forms import (
    ActionForm,
    AgreementForm,
    CommentForm,
    GoalForm,
    NewPlanForm,
    PlanDetailsForm,
    VersionOnlyForm,
    staff_choices,
    with_version,
)
from ..models import Action, Plan

VIEW = list(access.VIEW)
CHANGE = list(access.CHANGE)
ADD = list(access.ADD)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _form_page(
    request,
    form,
    save: Callable,
    *,
    done,
    then,
    template: str,
    context: dict,
    on_stale: Callable | None = None,
):
    """On a POST with a valid form, call `save` (the service, as the signed-in officer), say
    `done` and go to `then` (either may be a function of what was saved). Otherwise show
    `template` with `context` and the form again: a refused edit from an older version shows
    the form `on_stale(error)` builds, and a ValidationError goes onto the form beside its field.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except services.StaleEdit as error:
            if on_stale is None:
                raise
            form = on_stale(error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done(saved) if callable(done) else done)
            return redirect(then(saved) if callable(then) else then)
    return render(request, template, {**context, "form": form})


def _stale(form, version: int, form_class, error: services.StaleEdit, **kwargs):
    """The form again with what was typed, the newer version to save against, and why."""
    form = form_class(with_version(form.data, version), **kwargs)
    form.is_valid()
    form.add_error(None, error.message)
    return form


def _read(request, plan: Plan, detail: str) -> None:
    services.record_read(actor=request.user, plan=plan, detail=detail, request=request)


@permission_required(VIEW, raise_exception=True)
def resident_plans(request, resident_pk: int):
    resident = access.get_resident_for(request.user, resident_pk)
    plans = list(queries.plans_for(resident.pk))
    if plans:
        _read(request, plans[0], f"List of {len(plans)} plans")
    return render(request, "plans/officer/list.html", {"resident": resident, "plans": plans})


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def create(request, resident_pk: int):
    resident = access.get_resident_for(request.user, resident_pk)
    templates = list(queries.active_templates())
    cases = list(queries.resident_cases(resident.pk))
    form = NewPlanForm(_posted(request), templates=templates, cases=cases)
    return _form_page(
        request,
        form,
        lambda: services.create_plan(
            actor=request.user, request=request, resident=resident, **form.cleaned_data
        ),
        done=lambda plan: f"Plan ‘{plan.title}’ made. Check it, then share it",
        then=lambda plan: plan,
        template="plans/officer/create.html",
        context={"resident": resident, "templates": templates},
    )


@permission_required(VIEW, raise_exception=True)
def detail(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    goals = queries.goals_with_actions(plan)
    unread_actions = queries.unread_action_ids(plan)
    unread_changes = list(queries.unread_changes(plan)[:20])
    _read(request, plan, "Plan page")
    context = {
        "plan": plan,
        "resident": plan.resident,
        "goals": goals,
        "progress": queries.resident_view(goals),
        "unread_actions": unread_actions,
        "unread_changes": unread_changes,
        "links": list(queries.links(plan)[:10]),
        "today": timezone.localdate(),
        "now": timezone.now(),
        "can_change": access.can_edit_plan(request.user, plan),
    }
    response = render(request, "plans/officer/detail.html", context)
    # Shown once as new on this page, then read.
    services.mark_resident_changes_seen(actor=request.user, plan=plan)
    return response


def _reloaded_plan(plan: Plan, form_class, form, error):
    plan.refresh_from_db()
    return _stale(form, plan.version, form_class, error)


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    initial = {"title": plan.title, "summary": plan.summary, "version": plan.version}
    form = PlanDetailsForm(_posted(request), initial=initial)
    if request.method != "POST" or not form.is_valid():
        _read(request, plan, "Edit plan")
    return _form_page(
        request,
        form,
        lambda: services.update_plan(
            actor=request.user, request=request, plan=plan, **form.cleaned_data
        ),
        done="Plan details saved",
        then=plan,
        on_stale=partial(_reloaded_plan, plan, PlanDetailsForm, form),
        template="plans/officer/edit.html",
        context={"plan": plan},
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_goal(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    form = GoalForm(_posted(request))
    return _form_page(
        request,
        form,
        lambda: services.add_goal(
            actor=request.user, request=request, plan=plan, title=form.cleaned_data["title"]
        ),
        done="Goal added",
        then=plan,
        template="plans/officer/goal_form.html",
        context={"plan": plan, "goal": None},
    )


def _reloaded_goal(goal, form, error):
    goal.refresh_from_db()
    return _stale(form, goal.version, GoalForm, error)


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_goal(request, pk: int):
    goal = access.get_goal_for(request.user, pk)
    form = GoalForm(_posted(request), initial={"title": goal.title, "version": goal.version})
    return _form_page(
        request,
        form,
        lambda: services.update_goal(
            actor=request.user, request=request, goal=goal, **form.cleaned_data
        ),
        done="Goal saved",
        then=goal.plan,
        on_stale=partial(_reloaded_goal, goal, form),
        template="plans/officer/goal_form.html",
        context={"plan": goal.plan, "goal": goal},
    )


def _remove(request, thing, *, remove, done: str, words: str):
    """The confirm-and-remove page for a goal or an action."""
    form = VersionOnlyForm(_posted(request), initial={"version": thing.version})
    if request.method == "POST" and form.is_valid():
        try:
            remove(actor=request.user, version=form.cleaned_data["version"], request=request)
        except services.StaleEdit as error:
            messages.error(request, error.message)
            return redirect(thing.plan)
        messages.success(request, done)
        return redirect(thing.plan)
    return render(
        request, "plans/officer/remove.html", {"plan": thing.plan, "form": form, "thing": words}
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def remove_goal(request, pk: int):
    goal = access.get_goal_for(request.user, pk)
    return _remove(
        request,
        goal,
        remove=partial(services.remove_goal, goal=goal),
        done=f"Goal ‘{goal.title}’ removed",
        words=f"the goal ‘{goal.title}’ and its actions",
    )


def _action_form(request, plan: Plan, action: Action | None, data=None):
    staff = staff_choices(plan.team, also=[request.user, action.owner_staff if action else None])
    initial = {}
    if action is not None:
        initial = {
            "description": action.description,
            "owner_kind": action.owner_kind,
            "owner_staff": str(action.owner_staff_id or ""),
            "partner_name": action.partner_name,
            "status": action.status,
            "version": action.version,
        }
    return ActionForm(
        data,
        initial=initial,
        staff=staff,
        due_date=action.due_date if action else None,
        show_status=action is not None,
    )


def _action_fields(data: dict) -> dict:
    return {
        "description": data["description"],
        "owner_kind": data["owner_kind"],
        "owner_staff": data["owner_staff"],
        "partner_name": data["partner_name"],
        "due_date": data["due_date"],
    }


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_action(request, pk: int):
    goal = access.get_goal_for(request.user, pk)
    plan = goal.plan
    form = _action_form(request, plan, None, _posted(request))
    return _form_page(
        request,
        form,
        lambda: services.add_action(
            actor=request.user, request=request, goal=goal, **_action_fields(form.cleaned_data)
        ),
        done="Action added",
        then=plan,
        template="plans/officer/action_form.html",
        context={"plan": plan, "goal": goal, "action": None},
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_action(request, pk: int):
    action = access.get_action_for(request.user, pk)
    plan = action.plan
    form = _action_form(request, plan, action, _posted(request))

    def stale(error):
        newer = queries.action(action.pk)
        form = _action_form(request, plan, newer, with_version(request.POST, newer.version))
        form.is_valid()
        form.add_error(None, error.message)
        return form

    if request.method != "POST" or not form.is_valid():
        _read(request, plan, "Edit action")
    return _form_page(
        request,
        form,
        lambda: services.update_action(
            actor=request.user,
            request=request,
            action=action,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"] or None,
            **_action_fields(form.cleaned_data),
        ),
        done="Action saved",
        then=plan,
        on_stale=stale,
        template="plans/officer/action_form.html",
        context={"plan": plan, "goal": action.goal, "action": action},
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def remove_action(request, pk: int):
    action = access.get_action_for(request.user, pk)
    return _remove(
        request,
        action,
        remove=partial(services.remove_action, action=action),
        done=f"Action ‘{action.description}’ removed",
        words=f"the action ‘{action.description}’",
    )


@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def action_detail(request, pk: int):
    """An action with its comments; officers comment here."""
    action = access.get_action_for(request.user, pk)
    form = CommentForm(_posted(request))
    if request.method != "POST":
        _read(request, action.plan, "Action and comments")
    elif not access.can_edit_plan(request.user, action.plan):
        raise PermissionDenied
    return _form_page(
        request,
        form,
        lambda: services.add_comment(
            actor=request.user, request=request, action=action, body=form.cleaned_data["body"]
        ),
        done="Comment added",
        then=reverse("plans:action", args=[action.pk]),
        template="plans/officer/action.html",
        context={"plan": action.plan, "action": action, "comments": list(queries.comments(action))},
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def share(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    problem = ""
    if request.method == "POST":
        try:
            services.share_plan(actor=request.user, plan=plan, request=request)
        except (NotTextable, ValidationError) as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                "Link texted to the resident. They will need a code we text them to open it",
            )
            return redirect(plan)
    context = {
        "plan": plan,
        "problem": problem,
        "link_days": settings.PLAN_LINK_DAYS,
        "code_minutes": settings.PLAN_CODE_MINUTES,
        "session_minutes": settings.PLAN_RESIDENT_SESSION_MINUTES,
    }
    return render(request, "plans/officer/share.html", context)


@permission_required(CHANGE, raise_exception=True)
@require_POST
def revoke(request, pk: int):
    link = access.get_link_for(request.user, pk)
    if services.revoke_link(actor=request.user, link=link, request=request):
        messages.success(request, "The link has stopped working")
    else:
        messages.success(request, "The link had already stopped working")
    return redirect(link.plan)


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_agreement(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    form = AgreementForm(_posted(request), initial={"version": plan.version})
    return _form_page(
        request,
        form,
        lambda: services.agree_plan(
            actor=request.user, request=request, plan=plan, **form.cleaned_data
        ),
        done="Agreement recorded",
        then=plan,
        on_stale=partial(_reloaded_plan, plan, AgreementForm, form),
        template="plans/officer/agree.html",
        context={"plan": plan},
    )


@permission_required(VIEW, raise_exception=True)
def history(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    changes = list(queries.changes(plan)[:500])
    _read(request, plan, "Plan history")
    return render(
        request,
        "plans/officer/history.html",
        {"plan": plan, "changes": changes, "revisions": list(queries.revisions(plan)[:200])},
    )


@permission_required(VIEW, raise_exception=True)
def version(request, pk: int, version: int):
    plan = access.get_plan_for(request.user, pk)
    revision = queries.revision(plan, version)
    if revision is None:
        raise Http404("No such version")
    _read(request, plan, f"Version {version}")
    return render(
        request,
        "plans/officer/version.html",
        {"plan": plan, "revision": revision, "snapshot": revision.snapshot},
    )


@permission_required(VIEW, raise_exception=True)
def print_plan(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    goals = queries.goals_with_actions(plan)
    _read(request, plan, "Printed plan")
    return render(
        request,
        "plans/officer/print.html",
        {
            "plan": plan,
            "resident": plan.resident,
            "view": queries.resident_view(goals),
            "goals": goals,
            "printed_at": timezone.now(),
        },
    )
