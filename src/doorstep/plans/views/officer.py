"""Officer pages for shared plans: make, change, share, print and read the history.

Every page that shows a plan writes an audit record. An edit made from an older version is
refused by the service; the page then shows who changed it and when, the latest version, and
the form as the officer filled it in.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.cases.models import Case
from doorstep.core.forms import add_service_errors
from doorstep.messaging.services import NotTextable
from doorstep.residents.models import Resident

from .. import queries, services
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
from ..models import Action, Goal, Plan, ResidentLink

VIEW = ["plans.view_plan", "residents.view_resident"]
CHANGE = ["plans.change_plan", "residents.view_resident"]
ADD = ["plans.add_plan", "residents.view_resident"]


def _plan_or_404(pk: int) -> Plan:
    plan = queries.plan(pk)
    if plan is None:
        raise Http404("No such plan")
    return plan


def _stale(form, error: services.StaleEdit, version: int, form_class, **kwargs):
    """The form again with what was typed, the newer version to save against, and why."""
    form = form_class(with_version(form.data, version), **kwargs)
    form.is_valid()
    form.add_error(None, error.message)
    return form


@permission_required(VIEW, raise_exception=True)
def resident_plans(request, resident_pk: int):
    resident = get_object_or_404(Resident, pk=resident_pk, merged_into=None)
    plans = list(queries.plans_for(resident.pk))
    if plans:
        services.record_read(
            actor=request.user, plan=plans[0], detail=f"List of {len(plans)} plans", request=request
        )
    return render(request, "plans/officer/list.html", {"resident": resident, "plans": plans})


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def create(request, resident_pk: int):
    resident = get_object_or_404(Resident, pk=resident_pk, merged_into=None)
    templates = list(queries.active_templates())
    cases = list(Case.objects.filter(resident=resident).select_related("case_type"))
    form = NewPlanForm(
        request.POST if request.method == "POST" else None, templates=templates, cases=cases
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                actor=request.user,
                resident=resident,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                case=form.cleaned_data["case"],
                template=form.cleaned_data["template"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Plan ‘{plan.title}’ made. Check it, then share it")
            return redirect(plan)
    return render(
        request,
        "plans/officer/create.html",
        {"resident": resident, "form": form, "templates": templates},
    )


@permission_required(VIEW, raise_exception=True)
def detail(request, pk: int):
    plan = _plan_or_404(pk)
    goals = queries.goals_with_actions(plan)
    unread_actions = queries.unread_action_ids(plan)
    unread_changes = list(plan.changes.filter(by_resident=True, seen_at=None)[:20])
    services.record_read(actor=request.user, plan=plan, detail="Plan page", request=request)
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
        "can_change": request.user.has_perm("plans.change_plan"),
    }
    response = render(request, "plans/officer/detail.html", context)
    # Shown once as new on this page, then read.
    services.mark_resident_changes_seen(actor=request.user, plan=plan)
    return response


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    plan = _plan_or_404(pk)
    initial = {"title": plan.title, "summary": plan.summary, "version": plan.version}
    form = PlanDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                actor=request.user,
                plan=plan,
                version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                request=request,
            )
        except services.StaleEdit as error:
            plan.refresh_from_db()
            form = _stale(form, error, plan.version, PlanDetailsForm)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Plan details saved")
            return redirect(plan)
    else:
        services.record_read(actor=request.user, plan=plan, detail="Edit plan", request=request)
    return render(request, "plans/officer/edit.html", {"plan": plan, "form": form})


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_goal(request, pk: int):
    plan = _plan_or_404(pk)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(
                actor=request.user, plan=plan, title=form.cleaned_data["title"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Goal added")
            return redirect(plan)
    return render(
        request, "plans/officer/goal_form.html", {"plan": plan, "form": form, "goal": None}
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_goal(request, pk: int):
    goal = get_object_or_404(Goal.objects.select_related("plan__resident"), pk=pk)
    initial = {"title": goal.title, "version": goal.version}
    form = GoalForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_goal(
                actor=request.user,
                goal=goal,
                version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                request=request,
            )
        except services.StaleEdit as error:
            goal.refresh_from_db()
            form = _stale(form, error, goal.version, GoalForm)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Goal saved")
            return redirect(goal.plan)
    return render(
        request, "plans/officer/goal_form.html", {"plan": goal.plan, "form": form, "goal": goal}
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def remove_goal(request, pk: int):
    goal = get_object_or_404(Goal.objects.select_related("plan__resident"), pk=pk)
    form = VersionOnlyForm(
        request.POST if request.method == "POST" else None, initial={"version": goal.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_goal(
                actor=request.user, goal=goal, version=form.cleaned_data["version"], request=request
            )
        except services.StaleEdit as error:
            messages.error(request, error.message)
            return redirect(goal.plan)
        messages.success(request, f"Goal ‘{goal.title}’ removed")
        return redirect(goal.plan)
    return render(
        request,
        "plans/officer/remove.html",
        {"plan": goal.plan, "form": form, "thing": f"the goal ‘{goal.title}’ and its actions"},
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


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_action(request, pk: int):
    goal = get_object_or_404(Goal.objects.select_related("plan__resident"), pk=pk)
    plan = goal.plan
    form = _action_form(request, plan, None, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_action(
                actor=request.user,
                goal=goal,
                description=data["description"],
                owner_kind=data["owner_kind"],
                owner_staff=data["owner_staff"],
                partner_name=data["partner_name"],
                due_date=data["due_date"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action added")
            return redirect(plan)
    return render(
        request,
        "plans/officer/action_form.html",
        {"plan": plan, "goal": goal, "form": form, "action": None},
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_action(request, pk: int):
    action = get_object_or_404(
        Action.objects.select_related("plan__resident", "goal", "owner_staff"), pk=pk
    )
    plan = action.plan
    form = _action_form(request, plan, action, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_action(
                actor=request.user,
                action=action,
                version=data["version"],
                description=data["description"],
                owner_kind=data["owner_kind"],
                owner_staff=data["owner_staff"],
                partner_name=data["partner_name"],
                due_date=data["due_date"],
                status=data["status"] or None,
                request=request,
            )
        except services.StaleEdit as error:
            action = Action.objects.select_related("goal", "owner_staff").get(pk=action.pk)
            form = _action_form(request, plan, action, with_version(request.POST, action.version))
            form.is_valid()
            form.add_error(None, error.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action saved")
            return redirect(plan)
    else:
        services.record_read(actor=request.user, plan=plan, detail="Edit action", request=request)
    return render(
        request,
        "plans/officer/action_form.html",
        {"plan": plan, "goal": action.goal, "form": form, "action": action},
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def remove_action(request, pk: int):
    action = get_object_or_404(Action.objects.select_related("plan__resident"), pk=pk)
    form = VersionOnlyForm(
        request.POST if request.method == "POST" else None, initial={"version": action.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_action(
                actor=request.user,
                action=action,
                version=form.cleaned_data["version"],
                request=request,
            )
        except services.StaleEdit as error:
            messages.error(request, error.message)
            return redirect(action.plan)
        messages.success(request, f"Action ‘{action.description}’ removed")
        return redirect(action.plan)
    return render(
        request,
        "plans/officer/remove.html",
        {"plan": action.plan, "form": form, "thing": f"the action ‘{action.description}’"},
    )


@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def action_detail(request, pk: int):
    """An action with its comments; officers comment here."""
    action = get_object_or_404(
        Action.objects.select_related("plan__resident", "goal", "owner_staff"), pk=pk
    )
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.has_perm("plans.change_plan"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_comment(
                    actor=request.user,
                    action=action,
                    body=form.cleaned_data["body"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Comment added")
                return redirect("plans:action", pk=action.pk)
    else:
        services.record_read(
            actor=request.user, plan=action.plan, detail="Action and comments", request=request
        )
    return render(
        request,
        "plans/officer/action.html",
        {
            "plan": action.plan,
            "action": action,
            "comments": list(action.comments.all()),
            "form": form,
        },
    )


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def share(request, pk: int):
    plan = _plan_or_404(pk)
    problem = ""
    if request.method == "POST":
        try:
            services.share_plan(actor=request.user, plan=plan, request=request)
        except NotTextable as error:
            problem = " ".join(error.messages)
        except ValidationError as error:
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
    link = get_object_or_404(ResidentLink.objects.select_related("plan"), pk=pk)
    if services.revoke_link(actor=request.user, link=link, request=request):
        messages.success(request, "The link has stopped working")
    else:
        messages.success(request, "The link had already stopped working")
    return redirect(link.plan)


@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_agreement(request, pk: int):
    plan = _plan_or_404(pk)
    form = AgreementForm(
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agree_plan(
                plan=plan,
                version=form.cleaned_data["version"],
                actor=request.user,
                channel=form.cleaned_data["channel"],
                request=request,
            )
        except services.StaleEdit as error:
            plan.refresh_from_db()
            form = _stale(form, error, plan.version, AgreementForm)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Agreement recorded")
            return redirect(plan)
    return render(request, "plans/officer/agree.html", {"plan": plan, "form": form})


@permission_required(VIEW, raise_exception=True)
def history(request, pk: int):
    plan = _plan_or_404(pk)
    changes = list(queries.changes(plan)[:500])
    services.record_read(actor=request.user, plan=plan, detail="Plan history", request=request)
    return render(
        request,
        "plans/officer/history.html",
        {"plan": plan, "changes": changes, "revisions": list(queries.revisions(plan)[:200])},
    )


@permission_required(VIEW, raise_exception=True)
def version(request, pk: int, version: int):
    plan = _plan_or_404(pk)
    revision = queries.revision(plan, version)
    if revision is None:
        raise Http404("No such version")
    services.record_read(
        actor=request.user, plan=plan, detail=f"Version {version}", request=request
    )
    return render(
        request,
        "plans/officer/version.html",
        {"plan": plan, "revision": revision, "snapshot": revision.snapshot},
    )


@permission_required(VIEW, raise_exception=True)
def print_plan(request, pk: int):
    plan = _plan_or_404(pk)
    goals = queries.goals_with_actions(plan)
    services.record_read(actor=request.user, plan=plan, detail="Printed plan", request=request)
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
