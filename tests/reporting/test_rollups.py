"""Rollups give the same figures as the raw events; events roll back with the change."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.db import transaction

from doorstep.core.models import ServiceEvent
from doorstep.reporting import figures, periods, queries, rollups
from doorstep.reporting.models import DailyRollup, RollupState
from doorstep.vulnerability import services as vulnerability_services

from ..factories import ResidentFactory, TeamFactory
from .conftest import add, at

TODAY = datetime.date(2025, 4, 15)
CHANNELS = ["digital", "assisted_digital", "phone", "paper", "face_to_face"]


def _random_events(rng, teams, days):
    for _ in range(400):
        day = TODAY - datetime.timedelta(days=rng.randrange(days))
        team = rng.choice([*teams, None])
        hour = rng.choice([0, 6, 12, 23])
        kind = rng.randrange(6)
        if kind == 0:
            add(
                "transaction.started",
                day,
                hour=hour,
                team=team,
                attributes={"service": rng.choice(["evidence_request", "shared_plan"])},
            )
        elif kind == 1:
            add(
                "transaction.completed",
                day,
                hour=hour,
                team=team,
                channel=rng.choice(CHANNELS),
                attributes={
                    "service": "evidence_request",
                    "outcome": rng.choice(["done", "not_eligible"]),
                },
            )
        elif kind == 2:
            add(
                "survey.answered",
                day,
                hour=hour,
                team=team,
                value=rng.randint(1, 5),
                channel="digital",
                attributes={"service": "shared_plan"},
            )
        elif kind == 3:
            add(
                "sms.sent",
                day,
                hour=hour,
                team=team,
                channel="sms",
                value=rng.randint(1, 3),
                attributes={"kind": "one_off"},
            )
        elif kind == 4:
            add(
                "evidence.decided",
                day,
                hour=hour,
                team=team,
                value=rng.randint(60, 900_000),
                attributes={
                    "document_type": rng.choice(["payslip", "id"]),
                    "decision": rng.choice(["accepted", "rejected"]),
                },
            )
        else:
            add("inclusion.skills_check", day, hour=hour, team=team, value=rng.randint(1, 9),
                attributes={"previous_level": rng.choice([None, 2, 4])})  # fmt: skip


def _everything(scope):
    chosen = periods.series(periods.containing(periods.WEEK, TODAY), 6)
    chosen += [periods.Period(periods.CUSTOM, TODAY - datetime.timedelta(days=40), TODAY)]
    return [
        [
            [figures.plain_value(item.figure.unit, r.value) for _l, r in result]
            if item.figure.breakdown
            else figures.plain_value(item.figure.unit, result.value)
            for result in item.results
        ]
        for item in queries.compute_all(chosen, scope)
        if not item.figure.snapshot
    ]


def test_rollups_give_the_same_figures_as_raw_events(db):
    rng = random.Random(7)  # noqa: S311 (test data)
    teams = [TeamFactory(), TeamFactory()]
    _random_events(rng, teams, 45)
    scopes = [
        queries.Scope(today=TODAY),
        queries.Scope(today=TODAY, team_id=teams[0].pk),
        queries.Scope(today=TODAY, channel="digital"),
    ]
    raw = [_everything(scope) for scope in scopes]
    assert any(value not in ("", "0") for row in raw[0] for value in row)

    rebuilt = rollups.refresh(now=at(TODAY))
    assert rebuilt[-1] == TODAY - datetime.timedelta(days=1)
    assert DailyRollup.objects.exists()
    assert [_everything(scope) for scope in scopes] == raw

    # Events recorded after the refresh, for past days and today, count straight away ...
    add("transaction.completed", TODAY - datetime.timedelta(days=3), channel="phone",
        attributes={"service": "evidence_request", "outcome": "done"})  # fmt: skip
    add("survey.answered", TODAY, value=2, attributes={"service": "shared_plan"})
    state = RollupState.objects.get()
    RollupState.objects.filter(pk=1).update(complete_through=None)
    late_raw = _everything(scopes[0])
    RollupState.objects.filter(pk=1).update(complete_through=state.complete_through)
    assert _everything(scopes[0]) == late_raw != raw[0]
    # ... and the next refresh rebuilds only the day that changed.
    assert rollups.refresh(now=at(TODAY)) == [TODAY - datetime.timedelta(days=3)]
    assert _everything(scopes[0]) == late_raw
    assert rollups.refresh(now=at(TODAY)) == []


def test_refresh_rebuilds_a_day_whole_and_twice_changes_nothing(db):
    day = TODAY - datetime.timedelta(days=2)
    for _ in range(3):
        add("sms.sent", day, channel="sms", value=2, attributes={"kind": "nudge"})
    rollups.refresh(now=at(TODAY))
    rows = list(DailyRollup.objects.values_list("day", "name", "channel", "key", "count", "total"))
    assert rows == [(day, "sms.sent", "sms", "nudge", 3, 6)]
    rollups.refresh(now=at(TODAY), rebuild_days=5)
    assert (
        list(DailyRollup.objects.values_list("day", "name", "channel", "key", "count", "total"))
        == rows
    )


def test_management_command_and_background_task(db, run_tasks):
    add("plan.shared", TODAY - datetime.timedelta(days=1))
    call_command("refresh_reporting_rollups", "--days", "2")
    assert DailyRollup.objects.filter(name="plan.shared").exists()

    from doorstep.reporting import tasks

    RollupState.objects.all().delete()
    DailyRollup.objects.all().delete()
    tasks.refresh_rollups_task.enqueue()
    assert run_tasks() == 1
    assert DailyRollup.objects.filter(name="plan.shared").exists()


def test_a_change_that_rolls_back_leaves_no_event(db, officer):
    resident = ResidentFactory()
    before = ServiceEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        vulnerability_services.record_assessment(
            actor=officer, resident=resident, indicators=["rent_arrears"]
        )
        assert ServiceEvent.objects.filter(name="vulnerability.assessed").exists()
        raise RuntimeError("something after the assessment failed")
    assert ServiceEvent.objects.count() == before
    vulnerability_services.record_assessment(
        actor=officer, resident=resident, indicators=["rent_arrears"]
    )
    assert ServiceEvent.objects.filter(name="vulnerability.assessed").count() == 1
