"""The history every change to a plan leaves, and the helpers each change uses.

Each change locks the plan row, checks the version the editor started from (so nobody
overwrites a change they have not seen), and then, in the same transaction, raises the plan's
version, keeps a PlanChange row per field (who, when, from what, to what), a snapshot of the
whole plan, a timeline event and an audit record (`_commit`).

Changes are made by a member of staff (`actor` a Staff), an integration (`actor` an ApiActor),
or the resident through their texted link (`by_resident=True`, no actor).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import actors, formats
from doorstep.core.changes import Timeline, record_change

from ..models import Plan, PlanChange, PlanRevision

RESIDENT_LABEL = "the resident"
# How the audit log names a change the resident made through their link.
RESIDENT_AUDIT_ACTOR = "Resident (plan link)"
SERVICE = "shared_plan"
UK = ZoneInfo("Europe/London")


class StaleEdit(Exception):
    """The thing changed after the editor opened it: nothing was saved."""

    def __init__(self, message: str, *, changed_by: str, changed_at: datetime.datetime | None):
        super().__init__(message)
        self.message = message
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True)
class Change:
    object_type: str
    object_id: object
    what: str
    before: str = ""
    after: str = ""


# --- Helpers ----------------------------------------------------------------------------------


def actor_label(actor, by_resident: bool = False) -> str:
    """The name kept beside a change: the resident, the member of staff, the integration."""
    return RESIDENT_LABEL if by_resident else actors.label(actor, default="the system")


def when_words(moment: datetime.datetime) -> str:
    """'10:42am on 3 March 2026', in UK time."""
    local = timezone.localtime(moment, UK)
    return f"{formats.govuk_time(local.time())} on {local.day} {local:%B %Y}"


def date_words(day: datetime.date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else "no date"


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _lock_part(part, version: int | None, name: str = ""):
    """Lock the plan, then its goal or action, and refuse an edit made from an older version
    (named `name`, or the action's description). Returns the locked plan and part."""
    plan = _lock(part.plan)
    part = type(part).objects.select_for_update().get(pk=part.pk)
    _check_version(plan, part, version, name or f"‘{part.description}’")
    return plan, part


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
    event: dict | None = None,
) -> None:
    """Raise the version and keep the changes, the snapshot, the timeline event and audit
    (and `event`, the keyword arguments of a service event written in the same step)."""
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
                actor=actors.staff_or_none(actor),
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
    record_change(
        actor=RESIDENT_AUDIT_ACTOR if by_resident else actor,
        action=audit_action,
        object_type="plan",
        object_id=plan.pk,
        resident_id=plan.resident_id,
        fields={change.object_type for change in changes},
        summary=f"Version {plan.version}: {summary}",
        request=request,
        timeline_event=Timeline(
            kind="plan",
            summary=f"Resident: {summary}" if by_resident else summary,
            body="\n".join(_describe(change) for change in changes),
            source=plan,
            url=plan.get_absolute_url(),
        ),
        event=event,
    )


def _describe(change: Change) -> str:
    if change.before or change.after:
        return f"{change.what}: {change.before or '(none)'} → {change.after or '(none)'}"
    return change.what


def _clean_text(value: str, *, field: str, required: str, limit: int) -> str:
    value = " ".join((value or "").split()) if field != "summary" else (value or "").strip()
    if not value and required:
        raise ValidationError({field: [required]})
    if len(value) > limit:
        raise ValidationError({field: [f"Use {limit} characters or fewer"]})
    return value


# --- Reading --------------------------------------------------------------------------------


def record_read(
    *,
    actor,
    plan: Plan,
    detail: str,
    request: HttpRequest | None = None,
    event: dict | None = None,
) -> None:
    """Every staff read of a plan is audited, and the resident opening it (with its event)."""
    record_change(
        actor=actor,
        action="view",
        object_type="plan",
        object_id=plan.pk,
        resident_id=plan.resident_id,
        summary=detail,
        request=request,
        event=event,
    )


def mark_resident_changes_seen(*, actor, plan: Plan) -> int:
    """An officer has opened the plan: the resident's changes are no longer unread."""
    if not actors.is_staff(actor):
        return 0
    return PlanChange.objects.filter(plan=plan, by_resident=True, seen_at=None).update(
        seen_at=timezone.now()
    )
