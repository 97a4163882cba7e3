"""Two-factor set-up cannot be hijacked, and nothing else opens until it is done.

Each test plays out an attack on the set-up page or the pages around it.
"""

import base64
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstep.api import services as api_services
from doorstep.core import roles
from doorstep.core.models import AuditEvent

from ..factories import PASSWORD, ResidentFactory

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/account/two-factor/"


@pytest.fixture(autouse=True)
def otp_for_administrators(settings):
    settings.OTP_REQUIRED_ROLES = [roles.ADMINISTRATOR]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _signed_in(client_class, user):
    browser = client_class()
    response = browser.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _key_shown(browser) -> str:
    page = browser.get(TWO_FACTOR)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up two-factor sign-in" in html
    return re.search(r"Key: <code[^>]*>([A-Z2-7=]+)</code>", html).group(1)


def _code(key: str, *, ahead: int = 0) -> str:
    """The code an authenticator app holding `key` shows now (or `ahead` steps later)."""
    return f"{totp(base64.b32decode(key), step=30, digits=6, drift=ahead):06d}"


@pytest.fixture
def browsers(administrator):
    """Opens a new browser signed in as the Administrator with their password."""
    return lambda: _signed_in(Client, administrator)


def test_each_visit_shows_a_new_key(browsers, administrator):
    browser = browsers()
    first, second = _key_shown(browser), _key_shown(browser)
    assert first != second
    # Only the newest key exists: the first stopped working when the second was made.
    assert TOTPDevice.objects.filter(user=administrator).count() == 1


def test_a_key_someone_else_saw_is_not_the_one_the_holder_confirms(browsers, administrator):
    # Someone with the password for a moment opens the set-up page and copies the key.
    attacker = browsers()
    stolen = _key_shown(attacker)

    # The real Administrator then sets up their app from the page they see.
    holder = browsers()
    theirs = _key_shown(holder)
    assert theirs != stolen
    response = holder.post(TWO_FACTOR, {"code": _code(theirs), "next": "/audit/"})
    assert response.status_code == 302 and response.url == "/audit/"
    assert holder.get("/audit/").status_code == 200

    # The copied key gives no codes that work for the account.
    later = browsers()
    response = later.post(TWO_FACTOR, {"code": _code(stolen, ahead=1)})
    assert response.status_code == 200
    assert "The code is not right or has expired" in response.content.decode()
    assert later.get("/audit/").status_code == 302


def test_a_key_replaced_by_a_newer_visit_cannot_be_confirmed(browsers, administrator):
    attacker = browsers()
    stolen = _key_shown(attacker)
    holder = browsers()
    _key_shown(holder)

    response = attacker.post(TWO_FACTOR, {"code": _code(stolen), "next": "/audit/"})
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    assert not TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()
    assert attacker.get("/audit/").status_code == 302
    page = attacker.get(response.url).content.decode()
    assert "the key you used no longer works" in page


def test_confirming_throws_away_every_other_unconfirmed_key(browsers, administrator):
    holder = browsers()
    theirs = _key_shown(holder)
    # A key made meanwhile some other way (an older session, a race) is thrown away too.
    TOTPDevice.objects.create(user=administrator, name="Other", confirmed=False)

    holder.post(TWO_FACTOR, {"code": _code(theirs)})

    devices = TOTPDevice.objects.filter(user=administrator)
    assert [device.confirmed for device in devices] == [True]
    event = AuditEvent.objects.get(object_type="staff", fields=["two_factor"])
    assert event.actor == administrator and event.detail == "Set up two-factor sign-in"


def test_the_set_up_page_is_not_cached(browsers):
    response = browsers().get(TWO_FACTOR)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/account/",
        "/residents/",
        "/audit/",
        "/integrations/",
        "/django-admin/",
        "/api/v1/docs",
        "/api/v1/openapi.json",
    ],
)
def test_every_other_page_sends_an_unverified_administrator_to_set_up(browsers, path):
    response = browsers().get(path)
    assert response.status_code == 302, path
    assert response.url.startswith(TWO_FACTOR)


def test_an_unverified_administrator_can_still_sign_out(browsers):
    browser = browsers()
    response = browser.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session


def test_a_token_still_works_from_a_browser_with_an_unverified_session(browsers):
    _, raw = api_services.issue_token(actor=None, name="Council CRM")
    resident = ResidentFactory()
    response = browsers().get(
        f"/api/v1/residents/{resident.pk}", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200


def test_a_role_that_needs_two_factor_applies_on_the_next_page(officer):
    browser = _signed_in(Client, officer)
    assert browser.get("/residents/").status_code == 200

    officer.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))

    response = browser.get("/audit/")
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)
