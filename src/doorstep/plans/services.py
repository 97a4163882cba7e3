"""Every change to shared plans: plans, goals, actions, comments, sharing, codes, agreement.

Each change locks the plan row, checks the version the editor started from (so nobody
overwrites a change they have not seen), and then, in the same transaction, raises the plan's
version, keeps a PlanChange row per field (who, when, from what, to what), a snapshot of the
whole plan, a timeline event and an audit record.

Changes are made by a member of staff (`actor` a Staff), an integration (`actor` an ApiActor),
or the resident through their texted link (`by_resident=True`, no actor).
"""

import datetime
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from doorstep.cases.models import Case
from doorstep.core import audit, service_events, timeline, tokens
from doorstep.core.tokens import hash_token
from doorstep.messaging import services as messaging
from doorstep.residents.models import Resident

from . import templates_text
from .models import (
    Action,
    Comment,
    Goal,
    OneTimeCode,
    OwnerKind,
    Plan,
    PlanChange,
    PlanRevision,
    PlanTemplate,
    ResidentLink,
)

RESIDENT_LABEL = "the resident"
# How the audit log names a change the resident made through their link.
RESIDENT_AUDIT_ACTOR = "Resident (plan link)"
SERVICE = "shared_plan"
REMINDER_CONDITION = "plans.action_due"
UK = ZoneInfo("Europe/London")
REMINDER_HOUR = 10
CODE_SALT = "doorstep.plans.code"


class StaleEdit(Exception):
    """The thing changed after the editor opened it: nothing was saved."""

    def __init__(self, message: str, *, changed_by: str, changed_at: datetime.datetime | None):
        super().__init__(message)
        self.message = message
        self.changed_by = changed_by
        self.changed_at = changed_at


class LinkDead(Exception):
    """The link was stopped or has expired."""

    message = "This link no longer works. Contact the council and ask for a new one."


@dataclass(frozen=True)
class CodeResult:
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class Change:
    object_type: str
    object_id: object
    what: str
    before: str = ""
    after: str = ""


# --- Helpers ----------------------------------------------------------------------------------


def _is_staff(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


def _staff(actor):
    return actor if _is_staff(actor) else None


def actor_label(actor, by_resident: bool = False) -> str:
    if by_resident:
        return RESIDENT_LABEL
    if _is_staff(actor):
        return actor.full_name or actor.email
    return str(actor) if actor else "the system"


def when_words(moment: datetime.datetime) -> str:
    """'10:42am on 3 March 2026', in UK time."""
    local = timezone.localtime(moment, UK)
    hour = local.hour % 12 or 12
    return (
        f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'} on {local.day} {local:%B %Y}"
    )


def date_words(day: datetime.date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else "no date"


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _check_version(plan: Plan, obj, version: int | None, name: str) -> None:
    """Refuse an edit made from an older version, saying who changed it and when."""
    if version is None or obj.version == version:
        return
    object_type = "plan" if isinstance(obj, Plan) else obj._meta.model_name
    last = (
        PlanChange.objects.filter(plan=plan, object_type=object_type, object_id=str(obj.pk))
        .order_by("-at", "-id")
        .first()
    )
    who = last.actor_label if last else "someone else"
    when = f" at {when_words(last.at)}" if last else ""
    raise StaleEdit(
        f"{name} was changed by {who}{when}, after you opened it. Nothing has been saved: "
        "check the latest version, then make your change again.",
        changed_by=who,
        changed_at=last.at if last else None,
    )


def snapshot(plan: Plan) -> dict:
    """The whole plan as data, kept with each version."""
    goals = []
    for goal in plan.goals.prefetch_related("actions__comments", "actions__owner_staff"):
        goals.append(
            {
                "id": goal.pk,
                "title": goal.title,
                "actions": [
                    {
                        "id": action.pk,
                        "description": action.description,
                        "owner_kind": action.owner_kind,
                        "owner": action.owner_label,
                        "due_date": action.due_date.isoformat() if action.due_date else None,
                        "status": action.status,
                        "status_label": action.get_status_display(),
                        "status_changed_by": action.status_changed_by_label,
                        "status_changed_at": (
                            action.status_changed_at.isoformat()
                            if action.status_changed_at
                            else None
                        ),
                        "comments": [
                            {
                                "by": comment.author_label,
                                "by_resident": comment.by_resident,
                                "at": comment.created_at.isoformat(),
                                "body": comment.body,
                            }
                            for comment in action.comments.all()
                        ],
                    }
                    for action in goal.actions.all()
                ],
            }
        )
    return {
        "title": plan.title,
        "summary": plan.summary,
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "goals": goals,
    }


def _commit(
    *,
    plan: Plan,
    actor,
    changes: list[Change],
    summary: str,
    by_resident: bool = False,
    audit_action: str = "update",
    request: HttpRequest | None = None,
) -> None:
    """Raise the version and keep the changes, the snapshot, the timeline event and audit."""
    if not changes:
        return
    plan.version += 1
    plan.save(update_fields=["version"])
    now = timezone.now()
    label = actor_label(actor, by_resident)
    PlanChange.objects.bulk_create(
        [
            PlanChange(
                plan=plan,
                version=plan.version,
                at=now,
                actor=_staff(actor),
                actor_label=label[:200],
                by_resident=by_resident,
                object_type=change.object_type,
                object_id=str(change.object_id),
                what=change.what[:400],
                before=change.before,
                after=change.after,
            )
            for change in changes
        ]
    )
    PlanRevision.objects.create(
        plan=plan, version=plan.version, at=now, actor_label=label[:200], snapshot=snapshot(plan)
    )
    lines = []
    for change in changes:
        if change.before or change.after:
            lines.append(f"{change.what}: {change.before or '(none)'} → {change.after or '(none)'}")
        else:
            lines.append(change.what)
    timeline.add_event(
        resident_id=plan.resident_id,
        kind="plan",
        summary=f"Resident: {summary}" if by_resident else summary,
        body="\n".join(lines),
        actor=_staff(actor),
        occurred_at=now,
        source=plan,
        url=plan.get_absolute_url(),
    )
    audit.record(
        actor=RESIDENT_AUDIT_ACTOR if by_resident else actor,
        action=audit_action,
        object_type="plan",
        object_id=plan.pk,
        resident_id=plan.resident_id,
        fields={change.object_type for change in changes},
        detail=f"Version {plan.version}: {summary}",
        request=request,
    )


def _clean_text(value: str, *, field: str, required: str, limit: int) -> str:
    value = " ".join((value or "").split()) if field != "summary" else (value or "").strip()
    if not value and required:
        raise ValidationError({field: [required]})
    if len(value) > limit:
        raise ValidationError({field: [f"Use {limit} characters or fewer"]})
    return value


# --- Reading --------------------------------------------------------------------------------


def record_read(*, actor, plan: Plan, detail: str, request: HttpRequest | None = None) -> None:
    """Every staff read of a plan is audited."""
    audit.record(
        actor=actor,
        action="view",
        object_type="plan",
        object_id=plan.pk,
        resident_id=plan.resident_id,
        detail=detail,
        request=request,
    )


def mark_resident_changes_seen(*, actor, plan: Plan) -> int:
    """An officer has opened the plan: the resident's changes are no longer unread."""
    if not _is_staff(actor):
        return 0
    return PlanChange.objects.filter(plan=plan, by_resident=True, seen_at=None).update(
        seen_at=timezone.now()
    )


# --- Plans ------------------------------------------------------------------------------------


def _default_team(actor, case: Case | None):
    if case is not None:
        return case.team
    if _is_staff(actor):
        return actor.teams.order_by("name").first()
    return None


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
        created_by=_staff(actor),
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
                owner_staff=_staff(actor) if item["owner_kind"] == OwnerKind.OFFICER else None,
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
    plan = _lock(goal.plan)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _check_version(plan, goal, version, "This goal")
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
    plan = _lock(goal.plan)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _check_version(plan, goal, version, "This goal")
    for action in goal.actions.all():
        _cancel_reminders(action.pk, action.due_date)
    title = goal.title
    goal_id = goal.pk
    goal.delete()
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
        owner_staff = owner_staff or _staff(actor)
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


def _apply_status(
    action: Action, status: str, *, actor, by_resident: bool, plan: Plan
) -> list[Change]:
    if status not in Action.Status.values:
        raise ValidationError({"status": ["Choose to do, done or no longer needed"]})
    if status == action.status:
        return []
    before = action.get_status_display()
    action.status = status
    action.status_changed_at = timezone.now()
    action.status_changed_by = _staff(actor)
    action.status_changed_by_label = actor_label(actor, by_resident)[:200]
    if status == Action.Status.DONE:
        today = timezone.localdate()
        service_events.record(
            name="plan.action_done",
            team=plan.team_id,
            channel="digital" if by_resident else "",
            source=action,
            attributes={
                "on_time": action.due_date is None or today <= action.due_date,
                "owner": action.owner_kind,
            },
        )
    return [
        Change(
            "action",
            action.pk,
            f"Status of ‘{action.description}’",
            before,
            action.get_status_display(),
        )
    ]


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
    plan = _lock(action.plan)
    action = Action.objects.select_for_update().get(pk=action.pk)
    _check_version(plan, action, version, f"‘{action.description}’")
    if by_resident and status != Action.Status.DONE:
        raise ValidationError({"status": ["You can only mark an action as done"]})
    changes = _apply_status(action, status, actor=actor, by_resident=by_resident, plan=plan)
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
        )
        _cancel_reminders(action.pk, action.due_date)
        _schedule_reminders(action, plan)
    return action


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
    plan = _lock(action.plan)
    action = Action.objects.select_for_update().get(pk=action.pk)
    _check_version(plan, action, version, f"‘{action.description}’")
    changes = []
    old_due = action.due_date
    if description is not None:
        description = _clean_text(
            description, field="description", required="Enter what needs to be done", limit=300
        )
        if description != action.description:
            changes.append(Change("action", action.pk, "Action", action.description, description))
            action.description = description
    if owner_kind is not None:
        kind, staff, partner = _clean_owner(
            actor=actor,
            owner_kind=owner_kind,
            owner_staff=owner_staff,
            partner_name=partner_name if partner_name is not None else action.partner_name,
        )
        before = action.owner_label
        action.owner_kind, action.owner_staff, action.partner_name = kind, staff, partner
        if action.owner_label != before:
            changes.append(
                Change(
                    "action",
                    action.pk,
                    f"Who does ‘{action.description}’",
                    before,
                    action.owner_label,
                )
            )
    if due_date is not ...:
        if due_date != action.due_date:
            _check_due_date(due_date)
            changes.append(
                Change(
                    "action",
                    action.pk,
                    f"Due date of ‘{action.description}’",
                    date_words(action.due_date),
                    date_words(due_date),
                )
            )
            action.due_date = due_date
    if status is not None:
        changes += _apply_status(action, status, actor=actor, by_resident=False, plan=plan)
    if changes:
        action.version += 1
        action.save()
        _commit(
            plan=plan,
            actor=actor,
            changes=changes,
            summary=f"Action ‘{action.description}’ changed",
            request=request,
        )
        _cancel_reminders(action.pk, old_due)
        _schedule_reminders(action, plan)
    return action


@transaction.atomic
def remove_action(
    *, actor, action: Action, version: int | None, request: HttpRequest | None = None
) -> None:
    plan = _lock(action.plan)
    action = Action.objects.select_for_update().get(pk=action.pk)
    _check_version(plan, action, version, f"‘{action.description}’")
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


@transaction.atomic
def add_comment(
    *,
    actor,
    action: Action,
    body: str,
    by_resident: bool = False,
    request: HttpRequest | None = None,
) -> Comment:
    """Comments never clash: both sides' comments are all kept, in order."""
    plan = _lock(action.plan)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Enter your comment"]})
    if len(body) > 2000:
        raise ValidationError({"body": ["Use 2,000 characters or fewer"]})
    comment = Comment.objects.create(
        action=action,
        body=body,
        author=_staff(actor),
        author_label=actor_label(actor, by_resident)[:200],
        by_resident=by_resident,
    )
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("action", action.pk, f"Comment on ‘{action.description}’", "", body)],
        summary=f"Comment on ‘{action.description}’",
        by_resident=by_resident,
        request=request,
    )
    return comment


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


# --- Sharing: links and codes ----------------------------------------------------------------


def _hash_code(link_id: int, code: str) -> str:
    return salted_hmac(CODE_SALT, f"{link_id}:{code}", algorithm="sha256").hexdigest()


def link_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("plans:resident_start", args=[token])


SHARE_TEXT = (
    "Hello ((first name)), your plan with ((council)) is ready to see: ((link)) "
    "We will text you a code to open it."
)


@transaction.atomic
def share_plan(
    *, actor, plan: Plan, request: HttpRequest | None = None
) -> tuple[ResidentLink, str]:
    """Text the resident a new link to their plan. Returns the link and its token (never kept).

    Raises messaging's NotTextable (and writes nothing) when the resident cannot be texted.
    """
    plan = _lock(plan)
    resident = plan.resident
    if resident.merged_into_id is not None:
        raise ValidationError("This record was merged into another")
    token = tokens.new_token(24)
    now = timezone.now()
    link = ResidentLink.objects.create(
        plan=plan,
        token_hash=hash_token(token),
        expires_at=now + datetime.timedelta(days=settings.PLAN_LINK_DAYS),
        created_by=_staff(actor),
    )
    messaging.send_message(
        resident=resident,
        actor=actor,
        body=SHARE_TEXT,
        values={"link": link_url(token)},
        team=plan.team,
        idempotency_key=f"plan-link:{link.pk}",
        request=request,
    )
    first_time = plan.shared_at is None
    before = plan.get_status_display()
    if plan.status == Plan.Status.DRAFT:
        plan.status = Plan.Status.SHARED
    plan.shared_at = plan.shared_at or now
    plan.save(update_fields=["status", "shared_at"])
    service_events.record(name="plan.shared", team=plan.team_id, source=plan)
    if first_time:
        service_events.transaction_started(service=SERVICE, source=plan, team=plan.team_id)
    _commit(
        plan=plan,
        actor=actor,
        changes=[
            Change(
                "plan",
                plan.pk,
                "Link texted to the resident",
                before,
                plan.get_status_display(),
            )
        ],
        summary="Plan shared with the resident by text",
        request=request,
    )
    for action in plan.actions.filter(owner_kind=OwnerKind.RESIDENT, status=Action.Status.TO_DO):
        _schedule_reminders(action, plan)
    return link, token


@transaction.atomic
def revoke_link(*, actor, link: ResidentLink, request: HttpRequest | None = None) -> bool:
    """Stop a link working at once; returns False if it had already stopped."""
    plan = _lock(link.plan)
    link = ResidentLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        return False
    link.revoked_at = timezone.now()
    link.revoked_by = _staff(actor)
    link.save(update_fields=["revoked_at", "revoked_by"])
    _commit(
        plan=plan,
        actor=actor,
        changes=[
            Change(
                "plan",
                plan.pk,
                f"Link texted at {when_words(link.created_at)} stopped",
                "Working",
                "Stopped",
            )
        ],
        summary="Link to the plan stopped",
        request=request,
    )
    return True


def find_link(token: str) -> ResidentLink | None:
    """The link this token opens, live or not; None for a token that was never issued."""
    if not token or len(token) > 100:
        return None
    return ResidentLink.objects.select_related("plan").filter(token_hash=hash_token(token)).first()


def _check_live(link: ResidentLink) -> None:
    if not link.is_live():
        raise LinkDead


@transaction.atomic
def send_code(*, link: ResidentLink) -> CodeResult:
    """Text a new 6-digit code to the resident's mobile on file (older codes stop working)."""
    link = (
        ResidentLink.objects.select_for_update(of=("self",))
        .select_related("plan__resident")
        .get(pk=link.pk)
    )
    _check_live(link)
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    sent = link.codes.filter(created_at__gte=hour_ago).count()
    limit = settings.PLAN_CODE_SENDS_PER_HOUR
    if sent >= limit:
        return CodeResult(
            False,
            f"We have already sent {limit} codes in the last hour. Wait an hour and ask again, "
            "or contact the council.",
        )
    resident = link.plan.resident
    number = messaging.mobile_number(resident)
    if number is None or messaging.is_opted_out(number):
        return CodeResult(
            False, "We cannot text a code to the number we have for you. Contact the council."
        )
    code = f"{secrets.randbelow(10**6):06d}"
    link.codes.filter(used_at=None, expires_at__gt=now).update(expires_at=now)
    one_time = OneTimeCode.objects.create(
        link=link,
        code_hash=_hash_code(link.pk, code),
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.PLAN_CODE_MINUTES),
    )
    messaging.send_system_text(
        number=number,
        body=(
            f"{code} is your code to see your plan with {settings.COUNCIL_NAME}. "
            f"It works for {settings.PLAN_CODE_MINUTES} minutes. Do not share it."
        ),
        resident=resident,
        idempotency_key=f"plan-code:{one_time.pk}",
        team=link.plan.team,
    )
    return CodeResult(True)


@transaction.atomic
def check_code(*, link: ResidentLink, code: str) -> CodeResult:
    """Whether `code` opens this link. Wrong tries are counted on the code, in the database."""
    link = ResidentLink.objects.select_for_update().get(pk=link.pk)
    _check_live(link)
    code = "".join((code or "").split())
    if not code.isdigit() or len(code) != 6:
        return CodeResult(False, "Enter the 6-digit code from the text, like 123456")
    current = link.codes.order_by("-created_at", "-id").first()
    if current is None:
        return CodeResult(False, "Ask for a code first")
    tries = settings.PLAN_CODE_TRIES
    if current.used_at is not None:
        return CodeResult(False, "That code has been used already. Ask for a new code")
    if current.tries >= tries:
        return CodeResult(False, "You have entered a wrong code too many times. Ask for a new code")
    if current.expires_at <= timezone.now():
        return CodeResult(
            False,
            f"That code has expired: codes work for {settings.PLAN_CODE_MINUTES} minutes. "
            "Ask for a new code",
        )
    if not constant_time_compare(current.code_hash, _hash_code(link.pk, code)):
        current.tries += 1
        current.save(update_fields=["tries"])
        left = tries - current.tries
        if left <= 0:
            return CodeResult(
                False, "The code is not right, and you have no tries left. Ask for a new code"
            )
        return CodeResult(
            False, f"The code is not right. You have {left} {'try' if left == 1 else 'tries'} left"
        )
    current.used_at = timezone.now()
    current.save(update_fields=["used_at"])
    plan = link.plan
    service_events.record(name="plan.viewed", team=plan.team_id, channel="digital", source=plan)
    audit.record(
        actor=RESIDENT_AUDIT_ACTOR,
        action="view",
        object_type="plan",
        object_id=plan.pk,
        resident_id=plan.resident_id,
        detail="Resident opened the plan with a texted code",
    )
    return CodeResult(True)


# --- Reminders ------------------------------------------------------------------------------


REMINDER_KINDS = ("before", "overdue")


def reminder_condition(action_id: int, due_date: datetime.date, kind: str = "before") -> str:
    return f"{REMINDER_CONDITION}:{action_id}:{due_date.isoformat()}:{kind}"


def reminder_still_needed(object_id: str) -> bool:
    """The registered condition is "met" (no reminder) unless the action is still the
    resident's, still to do, and still due on the date the reminder was made for; a reminder
    before the due date is not sent once the date has passed."""
    action_id, due, kind = (object_id.split(":") + ["", ""])[:3]
    try:
        due_date = datetime.date.fromisoformat(due)
        pk = int(action_id)
    except ValueError:
        return False
    if kind == "before" and timezone.localdate() > due_date:
        return False
    return Action.objects.filter(
        pk=pk,
        due_date=due_date,
        status=Action.Status.TO_DO,
        owner_kind=OwnerKind.RESIDENT,
        plan__resident__merged_into=None,
    ).exists()


def _cancel_reminders(action_id: int, due_date: datetime.date | None) -> None:
    if due_date is not None:
        for kind in REMINDER_KINDS:
            messaging.cancel_nudges(condition=reminder_condition(action_id, due_date, kind))


def _at_ten(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(REMINDER_HOUR), UK)


def _schedule_reminders(action: Action, plan: Plan) -> None:
    """Before the due date, and the day after it if still not done. Keys make this safe to
    call again: a reminder already scheduled for the same date is not made twice."""
    if (
        plan.status == Plan.Status.DRAFT
        or action.owner_kind != OwnerKind.RESIDENT
        or action.status != Action.Status.TO_DO
        or action.due_date is None
    ):
        return
    due = action.due_date
    now = timezone.now()
    days = settings.PLAN_REMINDER_DAYS_BEFORE
    before = _at_ten(due - datetime.timedelta(days=days))
    if days > 0 and before > now:
        messaging.schedule_nudge(
            resident=plan.resident,
            send_after=before,
            condition=reminder_condition(action.pk, due, "before"),
            body=(
                "Reminder from ((council)): something you agreed to do in your plan is due on "
                f"{date_words(due)}. Use the link we texted you to see it or tell us it is done."
            ),
            team=plan.team,
            key=f"plan-action:{action.pk}:{due.isoformat()}:before",
        )
    overdue = _at_ten(due + datetime.timedelta(days=1))
    if overdue > now:
        messaging.schedule_nudge(
            resident=plan.resident,
            send_after=overdue,
            condition=reminder_condition(action.pk, due, "overdue"),
            body=(
                "Reminder from ((council)): something you agreed to do in your plan was due on "
                f"{date_words(due)}. Use the link we texted you to tell us it is done, or "
                "contact us if you need help."
            ),
            team=plan.team,
            key=f"plan-action:{action.pk}:{due.isoformat()}:overdue",
        )


# --- Templates (Administrators) --------------------------------------------------------------


@transaction.atomic
def save_template(
    *,
    actor,
    name: str,
    plan_title: str,
    description: str,
    goals_text: str,
    is_active: bool = True,
    template: PlanTemplate | None = None,
    request: HttpRequest | None = None,
) -> PlanTemplate:
    name = _clean_text(name, field="name", required="Enter a name for the template", limit=120)
    clash = PlanTemplate.objects.filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError({"name": [f"There is already a template called ‘{name}’"]})
    plan_title = _clean_text(
        plan_title, field="plan_title", required="Enter the title plans will start with", limit=200
    )
    try:
        goals = templates_text.parse(goals_text)
    except ValidationError as error:
        raise ValidationError({"goals_text": error.messages}) from error
    creating = template is None
    template = template or PlanTemplate()
    template.name, template.plan_title = name, plan_title
    template.description = (description or "").strip()
    template.goals, template.is_active = goals, is_active
    template.save()
    audit.record(
        actor=actor,
        action="create" if creating else "update",
        object_type="plan_template",
        object_id=template.pk,
        detail=name,
        request=request,
    )
    return template


# --- Merging ----------------------------------------------------------------------------------


def move_plans(*, from_resident_id: int, to_resident_id: int) -> int:
    """Plans follow a resident record merged into another (called inside the merge)."""
    return Plan.objects.filter(resident_id=from_resident_id).update(resident_id=to_resident_id)
