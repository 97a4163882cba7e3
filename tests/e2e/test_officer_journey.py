"""An officer's everyday journey in a real browser, checked with axe-core on every page.

Sign in, search with a typo, open the Single View, add a note, see it on the timeline; the same at
320 px wide and with JavaScript switched off; and the error path for an empty note.
"""

import urllib.request

import pytest
from playwright.sync_api import expect

from doorstep.core import roles
from doorstep.residents.models import Note

from ..factories import StaffFactory
from .conftest import assert_accessible, assert_no_horizontal_scrolling, sign_in

pytestmark = pytest.mark.e2e


def test_live_server_serves_the_design_system(live_server, transactional_db):
    for path, kind, sample in [
        ("/static/govuk/govuk-frontend.min.css", "text/css", b".govuk-header"),
        ("/static/govuk/govuk-frontend.min.js", "javascript", b"initAll"),
        ("/static/doorstep.css", "text/css", b".doorstep-timeline"),
        ("/static/doorstep-init.js", "javascript", b"initAll"),
    ]:
        with urllib.request.urlopen(f"{live_server.url}{path}") as response:  # noqa: S310
            assert response.status == 200, path
            assert kind in response.headers["Content-Type"], path
            assert sample in response.read(), path


def test_sign_in_page_is_styled_accessible_and_explains_mistakes(page, e2e_officer):
    page.goto("/account/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # The GOV.UK stylesheet and script really loaded.
    header_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-header')).backgroundColor"
    )
    assert header_colour == "rgb(11, 12, 12)"
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )
    assert_accessible(page)

    page.get_by_label("E-mail address").fill(e2e_officer.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct e-mail address and password")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.problems.assert_none()


def test_officer_finds_a_resident_despite_a_typo_and_adds_a_note(
    page, live_server, e2e_officer, residents
):
    john = residents["john"]
    sign_in(page, e2e_officer.email)
    expect(page).to_have_url(f"{live_server.url}/cases/my-work/")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Residents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a resident")
    assert_accessible(page)

    page.get_by_label("Search for a resident").fill("Jon Smiht")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table")
    first_row = results.locator("tbody tr").first
    expect(first_row.get_by_role("link")).to_have_text("John Smith")
    expect(results).not_to_contain_text("Amir Khan")
    assert_accessible(page)

    first_row.get_by_role("link", name="John Smith").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    expect(page).to_have_url(f"{live_server.url}/residents/{john.pk}/")
    assert_accessible(page)

    note = "Rang about the housing register form. Posting a paper copy today."
    page.get_by_label("Note", exact=True).fill(note)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Note added")
    timeline = page.locator(".doorstep-timeline")
    expect(timeline.locator("li").first).to_contain_text(note)
    expect(timeline.locator("li").first).to_contain_text("Olivia Officer")
    assert_accessible(page)
    page.problems.assert_none()

    assert list(Note.objects.filter(resident=john).values_list("body", flat=True)) == [note]


def test_an_empty_note_shows_the_error_summary_linked_to_the_field(page, e2e_officer, residents):
    john = residents["john"]
    sign_in(page, e2e_officer.email)
    page.goto(f"/residents/{john.pk}/")
    page.get_by_role("button", name="Add note").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link", name="Enter the note")
    expect(link).to_have_attribute("href", "#id_body")
    field = page.locator("#id_body")
    expect(field).to_have_attribute("aria-invalid", "true")
    # Screen readers announce the message with the field.
    described_by = field.get_attribute("aria-describedby")
    assert described_by
    messages = [page.locator(f"#{ref}").inner_text() for ref in described_by.split()]
    assert any("Enter the note" in message for message in messages), messages
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    link.click()
    expect(field).to_be_focused()

    # Putting it right works from the same page.
    field.fill("Left a voicemail.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".doorstep-timeline li").first).to_contain_text("Left a voicemail.")
    assert Note.objects.filter(resident=john).count() == 1
    page.problems.assert_none()


def test_pages_fit_a_320_pixel_screen(narrow_page, e2e_officer, residents):
    page = narrow_page
    john = residents["john"]
    page.goto("/account/sign-in/")
    assert_no_horizontal_scrolling(page)
    sign_in(page, e2e_officer.email)
    assert_no_horizontal_scrolling(page)

    page.goto("/residents/?q=Smith")
    expect(page.get_by_role("link", name="John Smith")).to_be_visible()
    assert_no_horizontal_scrolling(page)

    page.goto(f"/residents/{john.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    assert_no_horizontal_scrolling(page)

    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_horizontal_scrolling(page)
    page.problems.assert_none()


def test_the_journey_works_without_javascript(no_js_page, live_server, e2e_officer, residents):
    page = no_js_page
    john = residents["john"]
    sign_in(page, e2e_officer.email)
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")

    page.get_by_role("link", name="Residents").click()
    page.get_by_label("Search for a resident").fill("John Smith")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="John Smith").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")

    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the note")

    page.get_by_label("Note", exact=True).fill("Came to the front desk without an appointment.")
    page.get_by_role("button", name="Add note").click()
    expect(page).to_have_url(f"{live_server.url}/residents/{john.pk}/")
    expect(page.locator(".doorstep-timeline li").first).to_contain_text(
        "Came to the front desk without an appointment."
    )
    page.problems.assert_none()


def test_account_pages_are_accessible(page, settings, transactional_db):
    settings.OTP_REQUIRED_ROLES = [roles.ADMINISTRATOR]
    admin = StaffFactory(email="admin@council.example", roles=[roles.ADMINISTRATOR])

    page.goto("/account/password-reset/")
    page.get_by_role("button", name="Send a reset link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your e-mail address")
    assert_accessible(page)

    sign_in(page, admin.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6-digit code")
    assert_accessible(page)
    page.problems.assert_none()
