"""Each KPI from a small set of events, with the expected value worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from doorstep.reporting import figures, periods, queries, rollups, standard
from doorstep.reporting.models import ChannelCost, CostSettings

from .conftest import add, answered, at, completed, started

MARCH = periods.containing(periods.MONTH, datetime.date(2025, 3, 10))
FEBRUARY = MARCH.previous()
TODAY = datetime.date(2025, 4, 15)


def compute(slug, period=MARCH, **scope):
    [data] = queries.period_data([period], queries.Scope(today=TODAY, **scope))
    return queries.compute(figures.get(slug), data)


@pytest.fixture(params=["raw", "rollups"])
def source(request, db):
    """Every KPI test runs twice: from raw events, and from rollups refreshed first."""

    def ready():
        if request.param == "rollups":
            rollups.refresh(now=at(TODAY))

    return ready


def test_completion_rate_counts_not_eligible_as_complete(source):
    for _ in range(3):
        started(datetime.date(2025, 3, 3))
    started(datetime.date(2025, 3, 20), service="shared_plan")
    completed(datetime.date(2025, 3, 4), "digital")
    completed(datetime.date(2025, 3, 5), "phone", outcome="not_eligible")
    completed(datetime.date(2025, 3, 21), "assisted_digital", service="shared_plan")
    started(datetime.date(2025, 4, 1))  # April: another period
    source()
    # 3 completed (2 done + 1 not eligible) of 4 started = 75 %
    result = compute("completion_rate")
    assert result.value == 75.0
    assert result.volume == 4
    assert figures.format_value(figures.PERCENT, result.value) == "75.0%"


def test_digital_take_up_includes_assisted_digital_and_shows_it_alone(source):
    completed(datetime.date(2025, 3, 1), "digital")
    completed(datetime.date(2025, 3, 2), "digital")
    completed(datetime.date(2025, 3, 3), "assisted_digital")
    completed(datetime.date(2025, 3, 4), "phone")
    completed(datetime.date(2025, 3, 31), "paper")
    source()
    # (2 digital + 1 assisted) of 5 completed = 60 %; assisted alone 1 of 5 = 20 %
    assert compute("digital_take_up").value == 60.0
    assert compute("assisted_digital").value == 20.0
    # Choosing one channel narrows both sides: phone only, so none digital.
    assert compute("digital_take_up", channel="phone").value == 0.0


def test_user_satisfaction_share_and_count_of_each_answer(source):
    for answer in (5, 5, 4, 3, 1):
        answered(datetime.date(2025, 3, 12), answer)
    answered(datetime.date(2025, 2, 28), 1)  # February
    source()
    # "Satisfied" or "Very satisfied": 3 of 5 = 60 %
    result = compute("user_satisfaction")
    assert (result.value, result.volume) == (60.0, 5)
    answers = {label: r.value for label, r in compute("satisfaction_answers")}
    assert answers == {
        "Very satisfied": 2,
        "Satisfied": 1,
        "Neither satisfied or dissatisfied": 1,
        "Dissatisfied": 0,
        "Very dissatisfied": 1,
    }


def _set_costs():
    ChannelCost.objects.create(channel="phone", staff_minutes=12, cost_per_hour_pence=3000)
    ChannelCost.objects.create(channel="paper", postage_pence=120)
    ChannelCost.objects.create(channel="digital")
    CostSettings.objects.create(
        pk=1, price_per_fragment_pence=Decimal("2.50"), monthly_overhead_pence=36500
    )


def test_cost_per_transaction_with_its_working(source, team):
    _set_costs()
    completed(datetime.date(2025, 3, 1), "digital", team=team)
    completed(datetime.date(2025, 3, 2), "digital", team=team)
    completed(datetime.date(2025, 3, 3), "phone", team=team)
    completed(datetime.date(2025, 3, 4), "paper", team=team)
    add("sms.sent", datetime.date(2025, 3, 5), value=1, channel="sms", team=team)
    add("sms.sent", datetime.date(2025, 3, 6), value=3, channel="sms", team=team)
    source()
    # phone 12 min at £30/h = £6.00; paper postage £1.20; 4 fragments × 2.5p = £0.10;
    # overhead £365 a month × 12 × 31 days / 365 = £372.00. Total £379.30 ÷ 4 = £94.825
    result = compute("cost_per_transaction")
    assert figures.format_value(figures.POUNDS, result.value) == "£94.83"
    assert result.volume == 4
    [data] = queries.period_data([MARCH], queries.Scope(today=TODAY))
    working = standard.cost_working(data)
    assert working["total"] == "£379.30"
    assert [amount for _words, amount in working["lines"]] == [
        "£1.20",
        "£6.00",
        "£0.10",
        "£372.00",
    ]
    # One team: the overhead (for the whole service) is left out: £7.30 ÷ 4 = £1.825
    team_result = compute("cost_per_transaction", team_id=team.pk)
    assert figures.format_value(figures.POUNDS, team_result.value) == "£1.83"


@pytest.mark.parametrize(
    "slug",
    ["cost_per_transaction", "user_satisfaction", "completion_rate", "digital_take_up"],
)
def test_an_empty_period_has_no_data_not_a_division_by_zero(source, slug):
    _set_costs()
    completed(datetime.date(2025, 3, 4), "digital")
    answered(datetime.date(2025, 3, 4), 5)
    started(datetime.date(2025, 3, 4))
    source()
    result = compute(slug, period=FEBRUARY)
    assert result.value is None
    assert figures.format_value(figures.get(slug).unit, result.value) == "no data"
    assert compute(slug).value is not None


def test_document_turnaround_median_and_90th_percentile(source):
    for seconds in (3600, 7200, 10800, 86400):
        add("evidence.first_upload", datetime.date(2025, 3, 9), value=seconds)
    add("evidence.first_upload", datetime.date(2025, 2, 9), value=1)
    source()
    # Nearest rank: median is the 2nd of 4 (2 hours); 90th percentile the 4th (1 day)
    assert compute("first_upload_median").value == 7200
    assert compute("first_upload_p90").value == 86400
    assert compute("decision_median").value is None


def test_service_figures_from_their_events(source, team):
    day = datetime.date(2025, 3, 10)
    for on_time in (True, True, False):
        add("plan.action_done", day, attributes={"on_time": on_time, "owner": "resident"})
    for decision, kind in (
        ("accepted", "payslip"),
        ("rejected", "payslip"),
        ("accepted", "Photo ID"),
    ):
        add(
            "evidence.decided",
            day,
            value=60,
            attributes={"decision": decision, "document_type": kind},
        )
    for level in ("urgent", "urgent", "low"):
        add("vulnerability.assessed", day, attributes={"level": level})
    for first in (True, False, True):
        add("inclusion.session", day, value=90, attributes={"learner_first_session": first})
    add("inclusion.skills_check", day, value=5, attributes={"previous_level": 3})
    add("inclusion.skills_check", day, value=6, attributes={"previous_level": 6})
    add("inclusion.skills_check", day, value=2, attributes={"previous_level": None})
    for _ in range(10):
        add("sms.sent", day, channel="sms", attributes={"kind": "one_off"})
    for _ in range(3):
        add("sms.received", day, channel="sms", attributes={"matched": True, "opt_out": False})
    add("sms.received", day, channel="sms", attributes={"matched": True, "opt_out": True})
    source()
    assert round(compute("actions_on_time").value, 1) == 66.7  # 2 of 3
    assert compute("rejection_rate").value == pytest.approx(100 / 3)  # 1 of 3
    assert {label: r.value for label, r in compute("rejection_by_type")} == {
        "Payslip": 50.0,
        "Photo ID": 0.0,
    }
    assert {label: r.value for label, r in compute("assessments_by_level")} == {
        "Low": 1,
        "Urgent": 2,
    }
    assert compute("learners_helped").value == 2
    assert compute("friend_hours").value == 4.5  # 270 minutes
    # (5 - 3) + (6 - 6) over 2 checks with an earlier level = +1 level on average
    assert compute("level_movement").value == 1.0
    assert compute("reply_rate").value == 30.0  # 3 replies (not STOP) to 10 texts
    weekly = compute("texts_per_week").value
    assert weekly == pytest.approx(10 * 7 / 31)
