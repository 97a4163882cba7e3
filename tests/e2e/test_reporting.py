"""Management information in a real browser: the dashboard, switching period, the CSV export,
and the satisfaction question a resident answers without JavaScript. axe-core on every page."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doorstep.core import roles, service_events
from doorstep.core.models import ServiceEvent
from doorstep.reporting import survey

from ..factories import CaseFactory, StaffFactory, TeamFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def _event(name, when, **kwargs):
    service_events.record(name=name, occurred_at=when, **kwargs)


@pytest.fixture
def leader(transactional_db):
    team = TeamFactory(name="Housing Needs", slug="housing-needs")
    now = timezone.now()
    last_month = timezone.localtime(now).replace(day=1) - datetime.timedelta(days=3)
    for when in (now, now, now, last_month):
        _event("transaction.started", when, team=team, attributes={"service": "evidence_request"})
    for when, channel in ((now, "digital"), (now, "phone"), (last_month, "digital")):
        _event(
            "transaction.completed",
            when,
            team=team,
            channel=channel,
            attributes={"service": "evidence_request", "outcome": "done"},
        )
    for answer in (5, 4, 2):
        _event("survey.answered", now, team=team, value=answer, channel="digital")
    return StaffFactory(email="leader@council.example", roles=[roles.TEAM_LEADER], teams=[team])


def test_dashboard_period_switch_and_csv_export(page, live_server, leader):
    sign_in(page, leader.email)
    page.goto("/reporting/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Management information")
    take_up = page.locator('[data-figure="digital_take_up"]').first
    expect(take_up).to_have_text("50.0%")  # 1 digital of 2 completed this month
    expect(page.locator('[data-figure="user_satisfaction"]').first).to_have_text("66.7%")
    expect(page.get_by_role("img", name="Digital take-up, by period")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator("#export-csv").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: PTH123
    rows = list(csv.DictReader(io.StringIO(text)))
    newest = max(row["period_end"] for row in rows)
    shown = {
        row["figure"]: row["value"]
        for row in rows
        if row["period_end"] == newest and not row["breakdown"]
    }
    for slug in ("digital_take_up", "completion_rate", "user_satisfaction"):
        on_page = page.locator(f'[data-figure="{slug}"]').first.inner_text()
        assert on_page == f"{shown[slug]}%", slug

    page.get_by_label("Week").check()
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("heading", level=2, name="to")).to_be_visible()
    expect(take_up).to_have_text("50.0%")
    page.get_by_role("link", name="Previous week").click()
    expect(page.locator('[data-figure="digital_take_up"]').first).to_contain_text(
        "no data" if timezone.localdate().day > 7 else "%"
    )
    assert_accessible(page)

    page.get_by_label("Chosen dates").first.check()
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the start date")
    assert_accessible(page)


def _invitation(leader):
    team = leader.teams.get()
    return survey.invite(service="evidence_request", source=CaseFactory(team=team), team=team)


def test_resident_answers_the_question(page, live_server, leader):
    page.goto(f"/reporting/survey/{_invitation(leader).token}/")
    assert_accessible(page)
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose how you felt about the service"
    )
    assert_accessible(page)
    page.get_by_label("Very satisfied").check()
    page.get_by_label("How could we improve this service?").fill("Fewer letters")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    assert_accessible(page)
    assert (
        ServiceEvent.objects.filter(object_type="reporting.surveyinvitation", value=5).count() == 1
    )


def test_the_question_works_without_javascript(no_js_page, live_server, leader):
    page = no_js_page
    page.goto(f"/reporting/survey/{_invitation(leader).token}/")
    page.get_by_label("Dissatisfied", exact=True).check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    assert (
        ServiceEvent.objects.filter(object_type="reporting.surveyinvitation", value=2).count() == 1
    )
