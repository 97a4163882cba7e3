"""Goals and the actions under them: adding, changing, ticking off and removing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import actors

from ..models import Action, Goal, OwnerKind, Plan
from .history import (
    Change,
    _clean_text,
    _commit,
    _lock,
    _lock_part,
    actor_label,
    date_words,
)
from .reminders import _cancel_reminders, _schedule_reminders

# --- Goals ------------------------------------------------------------------------------------


@transaction.atomic
def add_goal(*, actor, plan: Plan, title: str, request: HttpRequest | None = None) -> Goal:
    plan = _lock(plan)
    title = _clean_text(title, field="title", required="Enter the goal", limit=200)
    position = plan.goals.count()
    goal = Goal.objects.create(plan=plan, title=title, position=position)
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("goal", goal.pk, "Goal added", "", title)],
        summary=f"Goal ‘{title}’ added",
        request=request,
    )
    return goal


@transaction.atomic
def update_goal(
    *, actor, goal: Goal, version: int | None, title: str, request: HttpRequest | None = None
) -> Goal:
    plan, goal = _lock_part(goal, version, "This goal")
    title = _clean_text(title, field="title", required="Enter the goal", limit=200)
    if title != goal.title:
        before = goal.title
        goal.title = title
        goal.version += 1
        goal.save(update_fields=["title", "version"])
        _commit(
            plan=plan,
            actor=actor,
            changes=[Change("goal", goal.pk, "Goal", before, title)],
            summary=f"Goal ‘{title}’ changed",
            request=request,
        )
    return goal


@transaction.atomic
def remove_goal(
    *, actor, goal: Goal, version: int | None, request: HttpRequest | None = None
) -> None:
    plan, goal = _lock_part(goal, version, "This goal")
    gone = [(action.pk, action.due_date) for action in goal.actions.all()]
    title = goal.title
    goal_id = goal.pk
    goal.delete()
    for action_id, due in gone:  # after the delete, so the plan's reminders are rewritten
        _cancel_reminders(action_id, due)  # without the goal's actions
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("goal", goal_id, "Goal removed, with its actions", title, "")],
        summary=f"Goal ‘{title}’ removed",
        audit_action="delete",
        request=request,
    )


# --- Actions ----------------------------------------------------------------------------------


def _clean_owner(
    *, actor, owner_kind: str, owner_staff, partner_name: str
) -> tuple[str, object, str]:
    if owner_kind not in OwnerKind.values:
        raise ValidationError({"owner_kind": ["Choose who will do this"]})
    partner_name = " ".join((partner_name or "").split())
    if owner_kind == OwnerKind.PARTNER:
        if not partner_name:
            raise ValidationError({"partner_name": ["Enter the name of the partner organisation"]})
        if len(partner_name) > 120:
            raise ValidationError({"partner_name": ["Use 120 characters or fewer"]})
        return owner_kind, None, partner_name
    if owner_kind == OwnerKind.OFFICER:
        owner_staff = owner_staff or actors.staff_or_none(actor)
        if owner_staff is None:
            raise ValidationError({"owner_staff": ["Choose the officer who will do this"]})
        if not owner_staff.is_active:
            raise ValidationError({"owner_staff": ["Choose an officer whose account is in use"]})
        return owner_kind, owner_staff, ""
    return owner_kind, None, ""


def _check_due_date(due_date: datetime.date | None) -> None:
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": ["The due date must be today or in the future"]})


@transaction.atomic
def add_action(
    *,
    actor,
    goal: Goal,
    description: str,
    owner_kind: str = OwnerKind.RESIDENT,
    owner_staff=None,
    partner_name: str = "",
    due_date: datetime.date | None = None,
    by_resident: bool = False,
    request: HttpRequest | None = None,
) -> Action:
    """Add an action under a goal. The resident can add only their own actions."""
    plan = _lock(goal.plan)
    description = _clean_text(
        description, field="description", required="Enter what needs to be done", limit=300
    )
    if by_resident:
        owner_kind, owner_staff, partner_name = OwnerKind.RESIDENT, None, ""
    else:
        owner_kind, owner_staff, partner_name = _clean_owner(
            actor=actor, owner_kind=owner_kind, owner_staff=owner_staff, partner_name=partner_name
        )
    _check_due_date(due_date)
    action = Action.objects.create(
        plan=plan,
        goal=goal,
        description=description,
        owner_kind=owner_kind,
        owner_staff=owner_staff,
        partner_name=partner_name,
        due_date=due_date,
        added_by_resident=by_resident,
        position=goal.actions.count(),
    )
    _commit(
        plan=plan,
        actor=actor,
        changes=[
            Change(
                "action",
                action.pk,
                f"Action added under ‘{goal.title}’",
                "",
                f"{description} ({action.owner_label}, due {date_words(due_date)})",
            )
        ],
        summary=f"Action ‘{description}’ added",
        by_resident=by_resident,
        request=request,
    )
    _schedule_reminders(action, plan)
    return action


def _apply_status(action: Action, status: str, *, actor, by_resident: bool) -> list[Change]:
    if status not in Action.Status.values:
        raise ValidationError({"status": ["Choose to do, done or no longer needed"]})
    if status == action.status:
        return []
    before = action.get_status_display()
    action.status = status
    action.status_changed_at = timezone.now()
    action.status_changed_by = actors.staff_or_none(actor)
    action.status_changed_by_label = actor_label(actor, by_resident)[:200]
    return [
        Change(
            "action",
            action.pk,
            f"Status of ‘{action.description}’",
            before,
            action.get_status_display(),
        )
    ]


def _done_event(action: Action, plan: Plan, *, by_resident: bool) -> dict:
    """The service event for an action just marked done, and whether it was on time."""
    return {
        "name": "plan.action_done",
        "team": plan.team_id,
        "channel": "digital" if by_resident else "",
        "source": action,
        "attributes": {
            "on_time": action.due_date is None or timezone.localdate() <= action.due_date,
            "owner": action.owner_kind,
        },
    }


@transaction.atomic
def set_action_status(
    *,
    actor,
    action: Action,
    version: int | None,
    status: str,
    by_resident: bool = False,
    request: HttpRequest | None = None,
) -> Action:
    """Tick an action done (or not needed, or back to do). The resident may only mark done."""
    plan, action = _lock_part(action, version)
    if by_resident and status != Action.Status.DONE:
        raise ValidationError({"status": ["You can only mark an action as done"]})
    changes = _apply_status(action, status, actor=actor, by_resident=by_resident)
    if changes:
        action.version += 1
        action.save()
        _commit(
            plan=plan,
            actor=actor,
            changes=changes,
            summary=f"‘{action.description}’ marked {action.get_status_display().lower()}",
            by_resident=by_resident,
            request=request,
            event=(
                _done_event(action, plan, by_resident=by_resident)
                if status == Action.Status.DONE
                else None
            ),
        )
        _cancel_reminders(action.pk, action.due_date)
        _schedule_reminders(action, plan)
    return action


def _new_description(action: Action, description: str | None) -> list[Change]:
    if description is None:
        return []
    description = _clean_text(
        description, field="description", required="Enter what needs to be done", limit=300
    )
    if description == action.description:
        return []
    before, action.description = action.description, description
    return [Change("action", action.pk, "Action", before, description)]


def _new_owner(
    action: Action, *, actor, owner_kind: str | None, owner_staff, partner_name: str | None
) -> list[Change]:
    if owner_kind is None:
        return []
    kind, staff, partner = _clean_owner(
        actor=actor,
        owner_kind=owner_kind,
        owner_staff=owner_staff,
        partner_name=partner_name if partner_name is not None else action.partner_name,
    )
    before = action.owner_label
    action.owner_kind, action.owner_staff, action.partner_name = kind, staff, partner
    if action.owner_label == before:
        return []
    what = f"Who does ‘{action.description}’"
    return [Change("action", action.pk, what, before, action.owner_label)]


def _new_due_date(action: Action, due_date) -> list[Change]:
    if due_date is ... or due_date == action.due_date:
        return []
    _check_due_date(due_date)
    what = f"Due date of ‘{action.description}’"
    before, action.due_date = action.due_date, due_date
    return [Change("action", action.pk, what, date_words(before), date_words(due_date))]


@transaction.atomic
def update_action(
    *,
    actor,
    action: Action,
    version: int | None,
    description: str | None = None,
    owner_kind: str | None = None,
    owner_staff=None,
    partner_name: str | None = None,
    due_date: datetime.date | None | object = ...,
    status: str | None = None,
    request: HttpRequest | None = None,
) -> Action:
    """Change an action (staff and the API). Leave an argument out to keep its value;
    `due_date=None` clears the date."""
    plan, action = _lock_part(action, version)
    old_due = action.due_date
    changes = _new_description(action, description)
    changes += _new_owner(
        action,
        actor=actor,
        owner_kind=owner_kind,
        owner_staff=owner_staff,
        partner_name=partner_name,
    )
    changes += _new_due_date(action, due_date)
    status_changes = (
        _apply_status(action, status, actor=actor, by_resident=False) if status is not None else []
    )
    changes += status_changes
    if changes:
        action.version += 1
        action.save()
        _commit(
            plan=plan,
            actor=actor,
            changes=changes,
            summary=f"Action ‘{action.description}’ changed",
            request=request,
            event=(
                _done_event(action, plan, by_resident=False)
                if status_changes and status == Action.Status.DONE
                else None
            ),
        )
        _cancel_reminders(action.pk, old_due)
        _schedule_reminders(action, plan)
    return action


@transaction.atomic
def remove_action(
    *, actor, action: Action, version: int | None, request: HttpRequest | None = None
) -> None:
    plan, action = _lock_part(action, version)
    description, action_id, due = action.description, action.pk, action.due_date
    action.delete()
    _cancel_reminders(action_id, due)
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("action", action_id, "Action removed", description, "")],
        summary=f"Action ‘{description}’ removed",
        audit_action="delete",
        request=request,
    )
