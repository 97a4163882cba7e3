"""Reminders texted to the resident before and after the due date of their actions.

Scheduled as messaging nudges whose condition (registered in apps.py) stops them once the
action is done, no longer needed, or has a new date.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from doorstep.messaging import services as messaging

from ..models import Action, OwnerKind, Plan
from .history import UK, date_words

REMINDER_CONDITION = "plans.action_due"
REMINDER_HOUR = 10

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
    days = settings.PLAN_REMINDER_DAYS_BEFORE
    reminders = [
        (
            "overdue",
            _at_ten(due + datetime.timedelta(days=1)),
            f"was due on {date_words(due)}. Use the link we texted you to tell us it is done, "
            "or contact us if you need help.",
        )
    ]
    if days > 0:
        reminders.insert(
            0,
            (
                "before",
                _at_ten(due - datetime.timedelta(days=days)),
                f"is due on {date_words(due)}. Use the link we texted you to see it or tell us "
                "it is done.",
            ),
        )
    now = timezone.now()
    for kind, send_after, words in reminders:
        if send_after > now:
            messaging.schedule_nudge(
                resident=plan.resident,
                send_after=send_after,
                condition=reminder_condition(action.pk, due, kind),
                body=f"Reminder from ((council)): something you agreed to do in your plan {words}",
                team=plan.team,
                key=f"plan-action:{action.pk}:{due.isoformat()}:{kind}",
            )
