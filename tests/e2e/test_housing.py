"""Housing waiting times in a real browser: the public page on a phone, and the officer panel."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from doorstep.housing import seeding, services
from doorstep.housing.models import Application
from doorstep.residents.models import ExternalIdentifier

from ..factories import ResidentFactory
from ..housing.conftest import default_bands
from .conftest import _new_page, assert_accessible, assert_no_horizontal_scrolling, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def lettings(transactional_db):
    default_bands()
    seeding.seed_lettings(seed=3, end=timezone.localdate(), lets_per_year=600, link_residents=0)
    services.recompute_estimates()


def _phone_page(browser, live_server, width, **options):
    return _new_page(browser, live_server, viewport={"width": width, "height": 740}, **options)


def test_public_estimate_on_a_phone_is_accessible(browser, live_server, lettings):
    context, page = _phone_page(browser, live_server, 375)
    try:
        page.goto("/housing/how-long/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How long might I wait for a home?"
        )
        assert_accessible(page)
        assert_no_horizontal_scrolling(page, 375)

        page.get_by_role("button", name="Show the estimate").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose your band")
        assert_accessible(page)

        page.get_by_label("Band B").check()
        page.get_by_label("2 bedrooms").check()
        page.get_by_role("button", name="Show the estimate").click()
        expect(page.get_by_role("heading", level=2, name="Band B, 2 bedrooms")).to_be_visible()
        expect(page.locator("#result")).to_contain_text("Chance of an offer")
        page.get_by_text("Why is this?").click()
        expect(page.locator("#result")).to_contain_text("The council's usual formula")
        assert_accessible(page)
        assert_no_horizontal_scrolling(page, 375)
    finally:
        context.close()


def test_public_estimate_works_without_javascript_at_320px(browser, live_server, lettings):
    context, page = _phone_page(browser, live_server, 320, java_script_enabled=False)
    try:
        page.goto("/housing/how-long/?band=A&bedrooms=1")
        expect(page.locator("#result")).to_contain_text("Our estimate is that you might wait")
        assert_no_horizontal_scrolling(page, 320)
    finally:
        context.close()


def test_officer_sees_the_housing_panel(page, live_server, lettings, e2e_officer):
    resident = ResidentFactory(first_name="Grace", last_name="Adeyemi")
    application = Application.objects.order_by("reference").first()
    ExternalIdentifier.objects.create(
        resident=resident, source="Housing register", value=application.reference
    )
    sign_in(page, e2e_officer.email)
    page.goto(f"/residents/{resident.pk}/")
    panel = page.get_by_role("region", name="Housing register")
    expect(panel).to_contain_text(application.reference)
    expect(panel).to_contain_text("Households ahead")
    assert_accessible(page)
    page.problems.assert_none()
