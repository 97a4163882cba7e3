"""Reminders for the resident's actions: before the due date and when overdue, sent once,
never for done actions, never twice when a task runs again."""

import datetime

from freezegun import freeze_time

from doorstep.messaging import services as messaging
from doorstep.messaging.models import Message, OutboxEntry, Suppression
from doorstep.plans import services
from doorstep.plans.services import UK

from .conftest import days_from_today, resident_action

NUMBER = "+447700900982"


def _nudges():
    return Message.objects.filter(kind=Message.Kind.NUDGE).order_by("send_after")


def _reminders_sent():
    return list(
        OutboxEntry.objects.filter(body__contains="Reminder from").values_list("body", flat=True)
    )


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), UK)


def _only_reminders_for(plan, keep):
    """Tick off the resident's other actions, so one text a day (messaging's rule for
    reminders) does not hold back the one under test."""
    for action in plan.actions.filter(owner_kind="resident").exclude(pk=keep.pk):
        services.set_action_status(
            actor=None, action=action, version=action.version, status="done", by_resident=True
        )


def test_draft_plans_send_no_reminders(plan):
    assert not _nudges().exists()


def test_reminders_are_scheduled_before_and_after_the_due_date(shared, plan, settings):
    action = resident_action(plan, 1)  # due in 14 days
    due = action.due_date
    times = [m.send_after for m in _nudges().filter(condition__contains=f":{action.pk}:")]
    assert times == [
        _at(due - datetime.timedelta(days=settings.PLAN_REMINDER_DAYS_BEFORE)),
        _at(due + datetime.timedelta(days=1)),
    ]
    assert all("Reminder from" in m.body for m in _nudges())
    # The officer's and the partner's actions get none.
    council = plan.actions.exclude(owner_kind="resident").values_list("pk", flat=True)
    for pk in council:
        assert not _nudges().filter(condition__contains=f":{pk}:").exists()


def test_a_reminder_is_sent_once_at_the_right_time(shared, plan, run_tasks):
    action = resident_action(plan, 1)
    _only_reminders_for(plan, action)
    due = action.due_date
    run_tasks()
    assert _reminders_sent() == []  # not yet
    with freeze_time(_at(due - datetime.timedelta(days=2), 10, 1)):
        run_tasks()
        sent = _reminders_sent()
        assert len(sent) == 1 and "is due on" in sent[0]
        run_tasks()
    # A task for the same text run again (a retry) sends nothing more.
    message = _nudges().filter(status__in=["sent", "delivered"]).get()
    with freeze_time(_at(due - datetime.timedelta(days=2), 10, 5)):
        messaging.deliver_message(message.pk)
    assert len(_reminders_sent()) == 1
    # Scheduling again (e.g. the plan shared again) does not make another reminder.
    before = _nudges().count()
    services._schedule_reminders(action, plan)
    assert _nudges().count() == before


def test_no_reminder_once_the_action_is_done(shared, plan, run_tasks):
    action = resident_action(plan, 1)
    due = action.due_date
    services.set_action_status(
        actor=None, action=action, version=action.version, status="done", by_resident=True
    )
    mine = _nudges().filter(condition__contains=f":{action.pk}:")
    assert set(mine.values_list("status", flat=True)) == {"cancelled"}
    with freeze_time(_at(due + datetime.timedelta(days=1), 11)):
        run_tasks()
    assert not [body for body in _reminders_sent() if "was due" in body and str(due.day) in body]


def test_done_after_scheduling_is_caught_at_send_time(shared, plan, run_tasks):
    """Even if the cancel were missed, the condition is checked again when sending."""
    action = resident_action(plan, 1)
    due = action.due_date
    type(action).objects.filter(pk=action.pk).update(status="done")
    with freeze_time(_at(due - datetime.timedelta(days=2), 10, 1)):
        run_tasks()
    mine = _nudges().filter(condition__contains=f":{action.pk}:")
    assert mine.filter(status="cancelled").exists()
    assert not [b for b in _reminders_sent() if f"{due:%B}" in b and "is due" in b]


def test_changing_the_due_date_moves_the_reminders(shared, plan, officer):
    action = resident_action(plan, 1)
    old = action.due_date
    new = days_from_today(20)
    services.update_action(actor=officer, action=action, version=action.version, due_date=new)
    assert set(
        _nudges()
        .filter(condition__contains=f":{action.pk}:{old}:")
        .values_list("status", flat=True)
    ) == {"cancelled"}
    waiting = _nudges().filter(condition__contains=f":{action.pk}:{new}:")
    assert [m.send_after for m in waiting] == [
        _at(new - datetime.timedelta(days=2)),
        _at(new + datetime.timedelta(days=1)),
    ]


def test_overdue_reminder(shared, plan, run_tasks):
    action = resident_action(plan, 0)  # due in 3 days
    due = action.due_date
    with freeze_time(_at(due + datetime.timedelta(days=1), 10, 1)):
        run_tasks()
    overdue = [b for b in _reminders_sent() if "was due on" in b]
    assert len(overdue) == 1
    # The reminder meant for before the due date is not sent late.
    assert not [b for b in _reminders_sent() if "is due on" in b]


def test_no_reminders_for_opted_out_residents(shared, plan, run_tasks):
    Suppression.objects.create(number=NUMBER)
    action = resident_action(plan, 1)
    _only_reminders_for(plan, action)
    with freeze_time(_at(action.due_date - datetime.timedelta(days=2), 10, 1)):
        run_tasks()
    assert _reminders_sent() == []


def test_no_reminders_in_quiet_hours(shared, plan, run_tasks, settings):
    settings.SMS_QUIET_HOURS = "09:00-11:00"
    action = resident_action(plan, 1)
    _only_reminders_for(plan, action)
    due_soon = _at(action.due_date - datetime.timedelta(days=2), 10, 1)
    with freeze_time(due_soon):
        run_tasks()
        assert _reminders_sent() == []
    with freeze_time(due_soon + datetime.timedelta(hours=1, minutes=5)):
        run_tasks()
        assert len(_reminders_sent()) == 1


def test_one_reminder_a_day_naming_what_is_due(officer, textable_resident, team, committed):
    """A plan from "Getting your documents together": five actions due the same day get one
    reminder before it and one after it, each naming them, never cut inside a word."""
    from doorstep.plans.models import PlanTemplate

    template = PlanTemplate.objects.get(name="Getting your documents together")
    plan = services.create_plan(
        actor=officer, resident=textable_resident, title="", template=template
    )
    with committed():
        services.share_plan(actor=officer, plan=plan)
    waiting = list(_nudges().filter(status="queued"))
    days = [m.send_after for m in waiting]
    assert len(days) == len(set(days)) == 2
    descriptions = list(
        plan.actions.filter(owner_kind="resident")
        .order_by("goal__position", "position", "id")
        .values_list("description", flat=True)
    )
    assert len(descriptions) == 5
    for message in waiting:
        assert len(message.body) <= 2 * 153
        names = message.body.split("'")[1::2]
        assert len(names) == 5
        for name, description in zip(names, descriptions, strict=True):
            whole = name.removesuffix("...")
            assert description.startswith(whole)
            assert whole == description or description[len(whole)] in " ,"  # between words
    assert "are due on" in waiting[0].body and "were due on" in waiting[1].body
    # Ticking one off rewrites the reminders without it.
    first = plan.actions.filter(owner_kind="resident").order_by("goal__position", "position")[0]
    services.set_action_status(
        actor=None, action=first, version=first.version, status="done", by_resident=True
    )
    waiting = list(_nudges().filter(status="queued"))
    assert len(waiting) == 2
    assert all(len(m.body.split("'")[1::2]) == 4 for m in waiting)
    assert all(first.description[:10] not in m.body for m in waiting)
