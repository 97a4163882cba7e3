"""Reads about shared plans, for this app's pages and the API, and for other capabilities.

overdue_actions_for(staff)    -> the officer's own actions past their due date
panel_summary(resident_id)    -> the current plan's progress for the Single View
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from doorstep.cases.models import Case

from .models import (
    Action,
    Comment,
    Goal,
    OwnerKind,
    Plan,
    PlanChange,
    PlanRevision,
    PlanTemplate,
    ResidentLink,
)


def plans_for(resident_id: int) -> QuerySet[Plan]:
    return Plan.objects.filter(resident_id=resident_id).select_related("created_by", "case")


def plan(pk: int) -> Plan | None:
    return (
        Plan.objects.select_related("resident", "case", "team", "created_by").filter(pk=pk).first()
    )


def goal(pk: int) -> Goal | None:
    return Goal.objects.select_related("plan__resident").filter(pk=pk).first()


def action(pk: int) -> Action | None:
    return (
        Action.objects.select_related("plan__resident", "goal", "owner_staff").filter(pk=pk).first()
    )


def link(pk: int) -> ResidentLink | None:
    return ResidentLink.objects.select_related("plan").filter(pk=pk).first()


def resident_cases(resident_id: int) -> QuerySet[Case]:
    """The resident's cases, open or closed, that a new plan may belong to."""
    return Case.objects.filter(resident_id=resident_id).select_related("case_type")


def template(pk: int) -> PlanTemplate | None:
    return PlanTemplate.objects.filter(pk=pk).first()


def plan_goal(plan_id: int, goal_id: int) -> Goal | None:
    return Goal.objects.filter(pk=goal_id, plan_id=plan_id).select_related("plan").first()


def plan_action(plan_id: int, action_id: int) -> Action | None:
    """One action of this plan, with its goal and owner; None if the plan has no such action."""
    return (
        Action.objects.select_related("goal", "owner_staff")
        .filter(pk=action_id, plan_id=plan_id)
        .first()
    )


def goals_with_actions(plan: Plan) -> list[Goal]:
    """Goals in order, each with its actions, their owners and comments, in a few queries."""
    actions = Action.objects.select_related("owner_staff").prefetch_related(
        Prefetch("comments", queryset=Comment.objects.order_by("created_at", "id"))
    )
    return list(plan.goals.prefetch_related(Prefetch("actions", queryset=actions)))


def all_actions(goals: list[Goal]) -> list[Action]:
    return [action for goal in goals for action in goal.actions.all()]


@dataclass
class ResidentView:
    """The resident's page: their own actions, the council's (and partners'), what's next."""

    yours: list[Action]
    council: list[Action]
    next_up: list[Action]
    done: int
    total: int


NEXT_UP = 3


def resident_view(goals: list[Goal]) -> ResidentView:
    actions = all_actions(goals)
    yours = [a for a in actions if a.owner_kind == OwnerKind.RESIDENT]
    council = [a for a in actions if a.owner_kind != OwnerKind.RESIDENT]
    to_do = [a for a in actions if a.status == Action.Status.TO_DO]
    # Dated actions first, soonest first; undated ones after.
    to_do.sort(key=lambda a: (a.due_date is None, a.due_date or timezone.localdate()))
    done = sum(1 for a in actions if a.status == Action.Status.DONE)
    counted = sum(1 for a in actions if a.status != Action.Status.NOT_NEEDED)
    return ResidentView(yours, council, to_do[:NEXT_UP], done, counted)


def changes(plan: Plan) -> QuerySet[PlanChange]:
    return plan.changes.select_related("actor")


def unread_changes(plan: Plan) -> QuerySet[PlanChange]:
    """What the resident changed since an officer last opened the plan."""
    return plan.changes.filter(by_resident=True, seen_at=None)


def goals(plan: Plan) -> QuerySet[Goal]:
    return plan.goals.all()


def comments(action: Action) -> QuerySet[Comment]:
    return action.comments.all()


def unread_change_ids(plan: Plan) -> set[int]:
    return set(plan.changes.filter(by_resident=True, seen_at=None).values_list("id", flat=True))


def unread_action_ids(plan: Plan) -> set[int]:
    """Actions the resident changed or commented on since an officer last opened the plan."""
    ids = plan.changes.filter(by_resident=True, seen_at=None, object_type="action").values_list(
        "object_id", flat=True
    )
    return {int(value) for value in ids}


def revision(plan: Plan, version: int) -> PlanRevision | None:
    return plan.revisions.filter(version=version).first()


def revisions(plan: Plan) -> QuerySet[PlanRevision]:
    return plan.revisions.only("plan_id", "version", "at", "actor_label")


@dataclass
class PanelSummary:
    plan: Plan
    done: int
    total: int
    unread: int
    next_action: Action | None
    others: int


def panel_summary(resident_id: int) -> PanelSummary | None:
    """The newest plan with its counts in one query, and its next due action in another.
    One query when the resident has no plan."""

    def counted(queryset) -> Subquery:
        return Coalesce(
            Subquery(
                queryset.order_by().values("plan_id").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )

    actions = Action.objects.filter(plan_id=OuterRef("pk"))
    newest = list(
        Plan.objects.filter(resident_id=resident_id)
        .annotate(
            done=counted(actions.filter(status=Action.Status.DONE)),
            total=counted(actions.exclude(status=Action.Status.NOT_NEEDED)),
            unread=counted(
                PlanChange.objects.filter(plan_id=OuterRef("pk"), by_resident=True, seen_at=None)
            ),
            plans=Coalesce(
                Subquery(
                    Plan.objects.filter(resident_id=resident_id)
                    .order_by()
                    .values("resident_id")
                    .annotate(n=Count("id"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("-created_at", "-id")[:1]
    )
    if not newest:
        return None
    current = newest[0]
    next_action = (
        Action.objects.filter(plan=current, status=Action.Status.TO_DO)
        .exclude(due_date=None)
        .select_related("owner_staff")
        .order_by("due_date", "id")
        .first()
    )
    return PanelSummary(
        plan=current,
        done=current.done,
        total=current.total,
        unread=current.unread,
        next_action=next_action,
        others=current.plans - 1,
    )


def overdue_actions_for(staff) -> QuerySet[Action]:
    """Actions this officer owns that are past their due date and not done."""
    return (
        Action.objects.filter(
            owner_staff=staff,
            owner_kind=OwnerKind.OFFICER,
            status=Action.Status.TO_DO,
            due_date__lt=timezone.localdate(),
            plan__resident__merged_into=None,
        )
        .select_related("plan__resident")
        .order_by("due_date", "id")
    )


def active_templates() -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.filter(is_active=True)


def all_templates() -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.all()


def links(plan: Plan):
    return plan.links.select_related("created_by", "revoked_by")
