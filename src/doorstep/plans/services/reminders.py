"""Reminders texted to the resident before and after the due date of their actions.

Scheduled as messaging nudges whose condition (registered in apps.py) stops them once the
action is done, no longer needed, or has a new date.
"""

import datetime
import hashlib
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from doorstep.messaging import services as messaging

from ..models import Action, OwnerKind, Plan
from .history import UK, date_words

REMINDER_CONDITION = "plans.action_due"
REMINDER_HOUR = 10
# One reminder a plan a day, listing what is due. Its condition names each action in it as
# "<action id>:<due date>:<kind>", after the plan: "plans.action_due:P7:12:2025-03-14:before:…".
REMINDER_KINDS = ("before", "overdue")
# At most two text messages, leaving room for the opt-out line.
REMINDER_LENGTH = 2 * 153 - len(messaging.FIRST_CONTACT_FOOTER) - 1
CONDITION_LENGTH = 255
# A name shortened below this says too little: fewer names are listed instead.
MIN_NAME = 18

# --- Reminders ------------------------------------------------------------------------------


def reminder_condition(action_id: int, due_date: datetime.date, kind: str = "before") -> str:
    """One action's part of a reminder's condition (alone, the form reminders once had)."""
    return f"{REMINDER_CONDITION}:{action_id}:{due_date.isoformat()}:{kind}"


def _plan_prefix(plan_id: int) -> str:
    return f"{REMINDER_CONDITION}:P{plan_id}:"


def _item_needed(action_id: str, due: str, kind: str) -> bool:
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


def reminder_still_needed(object_id: str) -> bool:
    """The registered condition is "met" (no reminder) unless every action in it is still the
    resident's, still to do, and still due on the date the reminder was made for; a reminder
    before the due date is not sent once the date has passed. A change to an action rewrites
    its plan's reminders at once; this check catches anything missed."""
    parts = object_id.split(":")
    if parts and parts[0].startswith("P"):
        parts = parts[1:]
    if len(parts) < 3:
        parts = (parts + ["", ""])[:3]
    items = [parts[i : i + 3] for i in range(0, len(parts) - 2, 3)]
    return bool(items) and all(_item_needed(*item) for item in items)


def _at_ten(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(REMINDER_HOUR), UK)


def _reminder_days(plan: Plan) -> dict[datetime.date, list[tuple[Action, str]]]:
    """The resident's actions to do, by the day each of their reminders is due."""
    days: dict[datetime.date, list[tuple[Action, str]]] = defaultdict(list)
    if plan.status == Plan.Status.DRAFT or plan.resident.merged_into_id is not None:
        return days
    before = settings.PLAN_REMINDER_DAYS_BEFORE
    now = timezone.now()
    actions = plan.actions.filter(
        owner_kind=OwnerKind.RESIDENT, status=Action.Status.TO_DO, due_date__isnull=False
    ).order_by("due_date", "goal__position", "position", "id")
    for action in actions:
        due = action.due_date
        if before > 0 and _at_ten(due - datetime.timedelta(days=before)) > now:
            days[due - datetime.timedelta(days=before)].append((action, "before"))
        if _at_ten(due + datetime.timedelta(days=1)) > now:
            days[due + datetime.timedelta(days=1)].append((action, "overdue"))
    return days


def _fitting(items: list[tuple[Action, str]], prefix: str) -> list[tuple[Action, str]]:
    """As many items as the condition can name (all, but for a plan of dozens due one day)."""
    kept, length = [], len(prefix)
    for action, kind in items:
        part = f"{action.pk}:{action.due_date.isoformat()}:{kind}:"
        if length + len(part) - 1 > CONDITION_LENGTH:
            break
        kept.append((action, kind))
        length += len(part)
    return kept


def _reminder_words(groups: dict[tuple[str, datetime.date], list[str]], more: int) -> str:
    parts = []
    for (kind, due), names in groups.items():
        plural = len(names) > 1 or more
        verb = ("are" if plural else "is") if kind == "before" else ("were" if plural else "was")
        listed = [f"'{name}'" for name in names] + ([f"{more} more"] if more else [])
        parts.append(f"{messaging.listing(listed)} {verb} due on {date_words(due)}")
    overdue = any(kind == "overdue" for kind, _ in groups)
    ending = (
        "Tell us what is done with the link we texted you, or contact us for help."
        if overdue
        else "See your plan or tell us what is done with the link we texted you."
    )
    return f"Reminder from ((council)) about your plan: {'; '.join(parts)}. {ending}"


def reminder_text(items: list[tuple[Action, str]]) -> str:
    """What is due, by name: names shortened between words (as little as fits), and only as
    many names as fit in REMINDER_LENGTH at MIN_NAME characters or more ("and 2 more")."""
    room = REMINDER_LENGTH - (len(settings.COUNCIL_NAME) - len("((council))"))
    longest = max(len(action.description) for action, _ in items)
    for shown in range(len(items), 0, -1):
        more = len(items) - shown
        best = None
        for each in range(MIN_NAME, longest + 1):
            text = _reminder_words(_groups(items[:shown], each), more)
            if len(text) > room:
                break
            best = text
        if best is not None and "''" not in best:
            return best
    return FALLBACK_TEXT


FALLBACK_TEXT = (
    "Reminder from ((council)): something in your plan is due. Use the link we texted you to "
    "see your plan or tell us what is done."
)


def _groups(items, each: int) -> dict[tuple[str, datetime.date], list[str]]:
    """Names by kind and due date, each shortened to `each` characters."""
    groups: dict[tuple[str, datetime.date], list[str]] = defaultdict(list)
    for action, kind in items:
        name = messaging.shorten(action.description, each)
        groups[(kind, action.due_date)].append(name)
    return dict(groups)


def _schedule_reminders(action: Action | None, plan: Plan) -> None:
    """Rewrite the plan's reminders: one a day, at ten, naming what is due before the due
    date and what was due the day after it. Safe to call again: a reminder already made for
    the same actions and day is not made twice, and one no longer right is dropped."""
    prefix = _plan_prefix(plan.pk)
    keep = []
    for day, all_items in sorted(_reminder_days(plan).items()):
        items = _fitting(all_items, prefix)
        condition = prefix + ":".join(
            f"{action.pk}:{action.due_date.isoformat()}:{kind}" for action, kind in items
        )
        keep.append(condition)
        key = f"plan-reminder:{plan.pk}:{day.isoformat()}:{_digest(condition)}"
        nudge = _nudge(plan, day, condition, items, key)
        if nudge is not None and nudge.status == nudge.Status.CANCELLED:
            _nudge(plan, day, condition, items, f"{key}:{nudge.pk}")  # the same again, later
    messaging.cancel_nudges_matching(prefix=prefix, keep=keep)


def _digest(condition: str) -> str:
    return hashlib.sha256(condition.encode()).hexdigest()[:16]


def _nudge(plan: Plan, day: datetime.date, condition: str, items, key: str):
    return messaging.schedule_nudge(
        resident=plan.resident,
        send_after=_at_ten(day),
        condition=condition,
        body=reminder_text(items),
        team=plan.team,
        key=key,
    )


def _cancel_reminders(action_id: int, due_date: datetime.date | None) -> None:
    """Drop the reminders naming this action, and rewrite its plan's reminders without it."""
    if due_date is None:
        return
    for kind in REMINDER_KINDS:
        messaging.cancel_nudges(condition=reminder_condition(action_id, due_date, kind))
    cancelled = messaging.cancel_nudges_matching(
        prefix=f"{REMINDER_CONDITION}:P", contains=f":{action_id}:{due_date.isoformat()}:"
    )
    plan_ids = {int(condition.split(":")[1][1:]) for condition in cancelled}
    for plan in Plan.objects.filter(pk__in=plan_ids).select_related("resident", "team"):
        _schedule_reminders(None, plan)
