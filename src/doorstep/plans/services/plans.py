"""Making a plan, changing its details, agreeing it, and moving plans on a merge."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.cases.models import Case
from doorstep.core import actors, service_events
from doorstep.residents.models import Resident

from ..models import Action, Goal, OwnerKind, Plan, PlanTemplate
from .history import SERVICE, Change, _check_version, _clean_text, _commit, _lock


def _default_team(actor, case: Case | None):
    return case.team if case is not None else actors.first_team(actor)


@transaction.atomic
def create_plan(
    *,
    actor,
    resident: Resident,
    title: str,
    summary: str = "",
    case: Case | None = None,
    template: PlanTemplate | None = None,
    request: HttpRequest | None = None,
) -> Plan:
    """A new draft plan; from a template, its goals and actions come too (due dates counted
    from today, the council's actions owned by the officer making the plan)."""
    if resident.merged_into_id is not None:
        raise ValidationError("This record was merged into another: make the plan there")
    title = _clean_text(
        title or (template.plan_title if template else ""),
        field="title",
        required="Enter a title for the plan",
        limit=200,
    )
    summary = _clean_text(summary, field="summary", required="", limit=5000)
    if case is not None and case.resident_id != resident.pk:
        raise ValidationError({"case": ["Choose one of this resident's cases"]})
    if template is not None and not template.is_active:
        raise ValidationError({"template": ["That template is no longer in use: choose another"]})
    plan = Plan.objects.create(
        resident=resident,
        case=case,
        template=template,
        title=title,
        summary=summary,
        version=0,
        team=_default_team(actor, case),
        created_by=actors.staff_or_none(actor),
    )
    today = timezone.localdate()
    for position, goal_data in enumerate(template.goals if template else []):
        goal = Goal.objects.create(plan=plan, title=goal_data["title"][:200], position=position)
        for number, item in enumerate(goal_data.get("actions", [])):
            days = item.get("due_in_days")
            Action.objects.create(
                plan=plan,
                goal=goal,
                description=item["description"][:300],
                owner_kind=item["owner_kind"],
                owner_staff=actors.staff_or_none(actor)
                if item["owner_kind"] == OwnerKind.OFFICER
                else None,
                partner_name=item.get("partner_name", "")[:120],
                due_date=today + datetime.timedelta(days=days) if days is not None else None,
                position=number,
            )
    what = f"Made the plan from the template ‘{template.name}’" if template else "Made the plan"
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("plan", plan.pk, what, "", title)],
        summary=f"Plan ‘{title}’ made",
        audit_action="create",
        request=request,
    )
    return plan


@transaction.atomic
def update_plan(
    *,
    actor,
    plan: Plan,
    version: int | None,
    title: str | None = None,
    summary: str | None = None,
    request: HttpRequest | None = None,
) -> Plan:
    """Change the title or summary. `version` is the plan version the editor started from."""
    plan = _lock(plan)
    _check_version(plan, plan, version, "The plan")
    changes = []
    if title is not None:
        title = _clean_text(title, field="title", required="Enter a title for the plan", limit=200)
        if title != plan.title:
            changes.append(Change("plan", plan.pk, "Title", plan.title, title))
            plan.title = title
    if summary is not None:
        summary = _clean_text(summary, field="summary", required="", limit=5000)
        if summary != plan.summary:
            changes.append(Change("plan", plan.pk, "Summary", plan.summary, summary))
            plan.summary = summary
    plan.save(update_fields=["title", "summary"])
    _commit(
        plan=plan, actor=actor, changes=changes, summary="Plan details changed", request=request
    )
    return plan


# --- Agreement ------------------------------------------------------------------------------

AGREEMENT_CHANNELS = {"face_to_face": "in person", "phone": "by phone"}


@transaction.atomic
def agree_plan(
    *,
    plan: Plan,
    version: int | None,
    actor=None,
    by_resident: bool = False,
    channel: str = "digital",
    request: HttpRequest | None = None,
) -> Plan:
    """The resident agrees the plan online, or an officer records that they agreed it in
    person or by phone. `version` is the version the resident read."""
    plan = _lock(plan)
    _check_version(plan, plan, version, "The plan")
    if by_resident:
        channel = "digital"
    elif channel not in AGREEMENT_CHANNELS:
        raise ValidationError({"channel": ["Choose how the resident agreed the plan"]})
    before = plan.get_status_display()
    plan.status = Plan.Status.AGREED
    plan.agreed_at = timezone.now()
    plan.agreed_version = plan.version
    plan.agreed_channel = channel
    plan.save(update_fields=["status", "agreed_at", "agreed_version", "agreed_channel"])
    how = "online" if by_resident else AGREEMENT_CHANNELS[channel]
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("plan", plan.pk, f"The resident agreed the plan {how}", before, "Agreed")],
        summary=f"Plan agreed {how}",
        by_resident=by_resident,
        request=request,
    )
    service_events.transaction_completed(
        service=SERVICE, source=plan, channel=channel, team=plan.team_id
    )
    return plan


# --- Merging ----------------------------------------------------------------------------------


def move_plans(*, from_resident_id: int, to_resident_id: int) -> int:
    """Plans follow a resident record merged into another (called inside the merge)."""
    return Plan.objects.filter(resident_id=from_resident_id).update(resident_id=to_resident_id)
