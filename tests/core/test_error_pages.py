"""Error pages: GOV.UK-styled, with what to do next, for staff and for residents."""

import pytest
from django.test import Client

from doorstep.core.error_pages import error_page

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]


@pytest.fixture
def contact(settings):
    settings.COUNCIL_CONTACT_PHONE = "020 8356 3000"
    settings.COUNCIL_CONTACT_EMAIL = "help@council.example"
    settings.COUNCIL_CONTACT_HOURS = "Monday to Friday, 9am to 5pm"


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_a_dead_resident_link_shows_the_govuk_page_with_the_councils_contact(
    client, settings, contact, debug
):
    settings.DEBUG = debug
    response = client.get("/test-errors/404/")
    assert response.status_code == 404
    page = _text(response)
    assert "Page not found" in page
    assert "govuk-heading-l" in page
    assert "020 8356 3000" in page and "help@council.example" in page
    assert "Using the URLconf" not in page  # Django's technical page lists every URL
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_address_shows_the_govuk_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in _text(response)


def test_staff_are_pointed_back_to_their_work(officer_client, contact):
    page = _text(officer_client.get("/test-errors/404/"))
    assert "go back to your work" in page
    assert "020 8356 3000" not in page


def test_a_digital_friend_refused_a_page_gets_the_govuk_403(client, digital_friend, password):
    client.force_login(digital_friend)
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    page = _text(response)
    assert "You cannot see this page" in page
    assert "ask your team leader" in page
    assert "govuk-template" in page


def test_a_refused_staff_page_for_a_digital_friend_is_styled(client, digital_friend):
    client.force_login(digital_friend)
    response = client.get("/residents/")
    assert response.status_code == 403
    assert "You cannot see this page" in _text(response)


def test_bad_request_page(client):
    response = client.get("/test-errors/400/")
    assert response.status_code == 400
    assert "problem with what was sent" in _text(response)


def test_server_error_page_needs_no_database_or_context(settings, contact):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    page = _text(response)
    assert "Sorry, there is a problem with the service" in page
    assert "020 8356 3000" in page
    assert "Something broke" not in page


@pytest.mark.parametrize("status", [410, 429])
def test_gone_and_too_many_pages_say_what_to_do(rf, status, contact):
    response = error_page(rf.get("/"), status)
    page = _text(response)
    assert response.status_code == status
    assert ("newest link" in page) if status == 410 else ("Wait 15 minutes" in page)
    assert "020 8356 3000" in page


def test_without_contact_details_the_page_still_says_who_to_contact(client):
    page = _text(client.get("/test-errors/404/"))
    assert "Contact Doorstep council." in page
