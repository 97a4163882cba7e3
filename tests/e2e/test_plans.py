"""A shared plan in real browsers: the officer makes one from the Personal Housing Plan
template and shares it; the resident, on a 375 px phone screen, enters the texted code, ticks
an action done and comments; the officer sees the change marked unread and in the history.
axe-core checks every resident page."""

import importlib
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from doorstep.messaging.models import OutboxEntry
from doorstep.plans.models import PlanTemplate

from ..factories import CaseFactory, PhoneFactory, ResidentFactory
from .conftest import _new_page, assert_accessible, assert_no_horizontal_scrolling, sign_in

pytestmark = pytest.mark.e2e

NUMBER = "+447700900982"
PHONE_WIDTH = 375


@pytest.fixture(autouse=True)
def _texting_any_time(settings):
    settings.SMS_PROVIDER = "outbox"
    settings.SMS_QUIET_HOURS = ""
    settings.SMS_INBOX_HOURS = ""
    settings.SMS_OUTBOX_DELIVERY_SECONDS = 0


@pytest.fixture
def housing_plan_template(transactional_db):
    """The template the migrations seed (browser tests empty the tables between tests)."""
    seeded = importlib.import_module("doorstep.plans.migrations.0002_seed_templates")
    entry = next(t for t in seeded.TEMPLATES if t["name"] == "Personal Housing Plan")
    return PlanTemplate.objects.get_or_create(name=entry["name"], defaults=entry)[0]


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _last_text(containing: str) -> str:
    entry = OutboxEntry.objects.filter(number=NUMBER, body__contains=containing).last()
    assert entry is not None, f"No text containing {containing!r}"
    return entry.body


def _check_resident_page(page) -> None:
    assert_accessible(page)
    assert_no_horizontal_scrolling(page, PHONE_WIDTH)


def test_officer_shares_a_plan_and_the_resident_ticks_and_comments(
    browser, live_server, page, e2e_officer, housing_plan_template
):
    amina = ResidentFactory(first_name="Amina", last_name="Khan", consents_to_text=True)
    PhoneFactory(resident=amina, number=NUMBER, is_mobile=True, is_primary=True)
    CaseFactory(resident=amina, team=e2e_officer.teams.first(), owner=e2e_officer)

    # The officer makes the plan from the template and shares it.
    sign_in(page, e2e_officer.email)
    page.goto(f"/residents/{amina.pk}/")
    page.get_by_role("link", name="Make a plan with Amina Khan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a plan")
    assert_accessible(page)
    page.get_by_label("Start from").select_option(label="Personal Housing Plan")
    page.get_by_label("The situation, in plain words").fill(
        "Your landlord has given you notice to leave by the end of next month."
    )
    page.get_by_role("button", name="Make the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Personal Housing Plan")
    assert_accessible(page)
    page.get_by_role("link", name="Share with resident").click()
    assert_accessible(page)
    page.get_by_role("button", name="Text the link").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Link texted to the resident"
    )
    run_worker()
    link = re.search(r"https?://\S+/plans/r/\S+/", _last_text("/plans/r/")).group(0)
    path = "/" + link.split("/", 3)[3]

    # The resident, on a phone-sized screen, with nothing shown before the code.
    context, phone = _new_page(browser, live_server, viewport={"width": PHONE_WIDTH, "height": 740})
    try:
        phone.goto(path)
        expect(phone.get_by_role("heading", level=1)).to_have_text("See your plan")
        expect(phone.locator("main")).not_to_contain_text("Amina")
        expect(phone.locator("main")).not_to_contain_text("landlord")
        _check_resident_page(phone)
        phone.get_by_role("button", name="Text me a code").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Enter the code we texted you")
        expect(phone.locator("main")).not_to_contain_text("Amina")
        _check_resident_page(phone)
        run_worker()
        code = re.match(r"(\d{6})", _last_text("is your code")).group(1)
        phone.get_by_label("Code").fill(code)
        phone.get_by_role("button", name="Continue").click()

        expect(phone.get_by_role("heading", level=1)).to_have_text("Your Personal Housing Plan")
        for heading in ["What you've agreed to do", "What the council will do", "What's next"]:
            expect(phone.get_by_role("heading", name=heading)).to_be_visible()
        _check_resident_page(phone)
        phone.get_by_role(
            "button", name=re.compile(r"^Mark as done\W+Send us a copy of any notice")
        ).click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("You have marked it as done")
        _check_resident_page(phone)
        phone.get_by_role("link", name="Back to your plan").click()
        phone.get_by_role(
            "link", name=re.compile(r"^Comment\W+on Register with at least three letting agents")
        ).click()
        _check_resident_page(phone)
        phone.get_by_label("Your comment").fill("I have registered with two agents so far.")
        phone.get_by_role("button", name="Send comment").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Your comment has been sent")
        _check_resident_page(phone)
        # The smallest phones too (WCAG reflow at 320 px).
        phone.set_viewport_size({"width": 320, "height": 640})
        phone.get_by_role("link", name="Back to your plan").click()
        assert_no_horizontal_scrolling(phone, 320)
        phone.problems.assert_none()
    finally:
        context.close()

    # The officer sees the resident's changes marked unread, and in the history.
    page.goto(f"/residents/{amina.pk}/")
    expect(page.locator("#plan")).to_contain_text("2 new from the resident")
    page.locator("#plan").get_by_role("link", name="Your Personal Housing Plan").click()
    banner = page.locator("#unread")
    expect(banner).to_contain_text("The resident made 2 changes")
    expect(banner).to_contain_text("I have registered with two agents so far.")
    expect(page.locator("tr").filter(has_text="Send us a copy of any notice")).to_contain_text(
        "Unread"
    )
    assert_accessible(page)
    page.get_by_role("link", name="History").click()
    rows = page.locator("#changes tbody tr")
    expect(rows.first).to_contain_text("Resident")
    expect(page.locator("#changes")).to_contain_text("I have registered with two agents so far.")
    expect(page.locator("#changes")).to_contain_text("Done")
    assert_accessible(page)
    page.problems.assert_none()
