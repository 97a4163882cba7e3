"""Staff sign-in security, tested through the real pages.

Sign in by e-mail and password; roles as groups; lockout after repeated failures (django-axes);
TOTP two-factor (django-otp) for the roles in OTP_REQUIRED_ROLES; idle sessions expire; password
reset by e-mail; sign-out by POST only.
"""

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstep.core import roles
from doorstep.core.models import AuditEvent

from ..factories import PASSWORD, ResidentFactory, StaffFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"
TWO_FACTOR = "/account/two-factor/"
SIGN_OUT = "/account/sign-out/"
RESET = "/account/password-reset/"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password, **extra})


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def text_of(response) -> str:
    return response.content.decode()


# Signing in -------------------------------------------------------------------------------------


def test_sign_in_page_uses_an_email_field(client):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    page = text_of(response)
    assert "E-mail address" in page
    assert 'autocomplete="email"' in page
    assert 'type="password"' in page


def test_officer_signs_in_by_email_in_any_case(client, officer):
    response = sign_in(client, "OFFICER@Council.Example")
    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(officer.pk)
    home = client.get("/", follow=True)
    assert home.status_code == 200
    assert home.redirect_chain == [("/cases/my-work/", 302)]
    assert AuditEvent.objects.filter(action="login", actor=officer).count() == 1


def test_wrong_password_shows_the_error_summary_and_message(client, officer):
    response = sign_in(client, officer.email, "not the password")
    assert response.status_code == 200
    page = text_of(response)
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    assert "Enter a correct e-mail address and password" in page
    assert "<title>Error: Sign in" in page
    assert "_auth_user_id" not in client.session


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client, officer):
    response = sign_in(client, "nobody@council.example")
    assert response.status_code == 200
    assert "Enter a correct e-mail address and password" in text_of(response)


def test_empty_form_says_what_to_enter(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    page = text_of(response)
    assert "Enter your e-mail address" in page
    assert "Enter your password" in page
    assert 'href="#id_username"' in page


def test_switched_off_account_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()
    response = sign_in(client, officer.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_need_sign_in(client):
    response = client.get("/residents/")
    assert response.status_code == 302
    assert response.url.startswith(f"{SIGN_IN}?next=")


def test_signed_in_person_visiting_sign_in_is_sent_on(client, officer):
    client.force_login(officer)
    response = client.get(SIGN_IN)
    assert response.status_code == 302


# Where to go after signing in -------------------------------------------------------------------


def test_next_takes_the_officer_to_the_page_they_asked_for(client, officer):
    response = sign_in(client, officer.email, next="/residents/?q=smith")
    assert response.url == "/residents/?q=smith"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example/account/sign-in/",
        "/\\evil.example/",
        "javascript:alert(1)",
    ],
)
def test_next_cannot_send_anyone_to_another_site(client, officer, target):
    response = sign_in(client, officer.email, next=target)
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_two_factor_next_cannot_send_anyone_to_another_site(
    client, administrator, settings, target
):
    settings.OTP_REQUIRED_ROLES = [roles.ADMINISTRATOR]
    client.force_login(administrator)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=administrator)
    response = client.post(TWO_FACTOR, {"code": current_code(device), "next": target})
    assert response.status_code == 302
    assert response.url == "/"


# Lockout (django-axes) --------------------------------------------------------------------------


def test_lockout_after_the_failure_limit(client, officer):
    limit = django_settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        response = sign_in(client, officer.email, "wrong password")
        assert response.status_code == 200
        assert "Enter a correct e-mail address and password" in text_of(response)
    response = sign_in(client, officer.email, "wrong password")
    assert response.status_code == 429
    assert "Sign in is locked for now" in text_of(response)
    assert AccessAttempt.objects.filter(username=officer.email).exists()

    # Even the right password is refused while the lock lasts.
    response = sign_in(client, officer.email, PASSWORD)
    assert response.status_code == 429
    assert "Sign in is locked for now" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_lockout_cannot_be_dodged_by_changing_the_case_of_the_email(client, officer):
    limit = django_settings.AXES_FAILURE_LIMIT
    spellings = [officer.email.upper(), officer.email.title(), officer.email]
    for attempt in range(limit):
        sign_in(client, spellings[attempt % len(spellings)], "wrong password")
    response = sign_in(client, officer.email.upper(), PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, officer):
    limit = django_settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        sign_in(client, officer.email, "wrong password")
    assert sign_in(client, officer.email).status_code == 302
    client.post(SIGN_OUT)
    for _attempt in range(limit - 1):
        assert sign_in(client, officer.email, "wrong password").status_code == 200
    assert sign_in(client, officer.email).status_code == 302


def test_lockout_of_one_account_leaves_others_alone(client, officer, team_leader):
    for _attempt in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(client, officer.email, "wrong password")
    response = sign_in(client, team_leader.email)
    assert response.status_code == 302


# Two-factor sign-in (django-otp) ----------------------------------------------------------------


@pytest.fixture
def otp_for_administrators(settings):
    settings.OTP_REQUIRED_ROLES = [roles.ADMINISTRATOR]
    # A wrong code makes django-otp wait before the next try; these tests type codes straight away.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_administrator_sets_up_two_factor_then_gets_in(
    client, administrator, otp_for_administrators
):
    response = sign_in(client, administrator.email, next="/audit/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)

    page = client.get(response.url)
    html = text_of(page)
    assert "Set up two-factor sign-in" in html
    assert "<svg" in html and "QR code for your authenticator app" in html
    device = TOTPDevice.objects.get(user=administrator)
    assert not device.confirmed
    key = re.search(r"Key: <code[^>]*>([A-Z2-7=]+)</code>", html).group(1)
    assert key.rstrip("=") and len(key) >= 32

    # Every other page stays closed until a code is given.
    blocked = client.get("/audit/")
    assert blocked.status_code == 302 and blocked.url.startswith(TWO_FACTOR)

    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(TWO_FACTOR, {"code": wrong, "next": "/audit/"})
    assert response.status_code == 200
    assert "The code is not right or has expired" in text_of(response)
    assert "govuk-error-summary" in text_of(response)

    response = client.post(TWO_FACTOR, {"code": "12ab56", "next": "/audit/"})
    assert "Enter the 6-digit code, using numbers only" in text_of(response)

    device.refresh_from_db()
    response = client.post(TWO_FACTOR, {"code": current_code(device), "next": "/audit/"})
    assert response.status_code == 302
    assert response.url == "/audit/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/audit/").status_code == 200


def test_administrator_with_a_device_is_asked_for_a_code_only(
    client, administrator, otp_for_administrators
):
    device = TOTPDevice.objects.create(user=administrator, name="Phone", confirmed=True)
    sign_in(client, administrator.email)
    response = client.get(TWO_FACTOR)
    html = text_of(response)
    assert "Enter your sign-in code" in html
    assert "<svg" not in html and "Key:" not in html

    code = current_code(device)
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 302
    assert client.get("/audit/").status_code == 200

    # The same code cannot be used twice, even in a new sign-in.
    client.post(SIGN_OUT)
    sign_in(client, administrator.email)
    response = client.post(TWO_FACTOR, {"code": code})
    assert response.status_code == 200
    assert "The code is not right or has expired" in text_of(response)


def test_two_factor_keeps_the_whole_address_asked_for(
    client, administrator, otp_for_administrators
):
    sign_in(client, administrator.email)
    response = client.get("/residents/?q=smith&page=2")
    assert response.status_code == 302
    page = text_of(client.get(response.url))
    device = TOTPDevice.objects.get(user=administrator)
    # The form posts back the `next` it was given.
    next_value = re.search(r'name="next" value="([^"]*)"', page).group(1)
    assert next_value.replace("&amp;", "&") == "/residents/?q=smith&page=2"
    response = client.post(TWO_FACTOR, {"code": current_code(device), "next": next_value})
    assert response.url.replace("&amp;", "&") == "/residents/?q=smith&page=2"


def test_repeated_wrong_codes_ask_the_person_to_wait(client, administrator, settings):
    settings.OTP_REQUIRED_ROLES = [roles.ADMINISTRATOR]
    # A long wait, so the second try is always inside it however slow the machine is.
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    device = TOTPDevice.objects.create(user=administrator, name="Phone", confirmed=True)
    sign_in(client, administrator.email)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client.post(TWO_FACTOR, {"code": wrong})
    # Inside the wait django-otp refuses to check, even a right code.
    response = client.post(TWO_FACTOR, {"code": current_code(device)})
    assert response.status_code == 200
    assert "Wait a few seconds" in text_of(response)
    assert "_otp_device_id" not in client.session


def test_officer_is_not_asked_for_a_code(client, officer, otp_for_administrators):
    response = sign_in(client, officer.email, next="/residents/")
    assert response.url == "/residents/"
    assert client.get("/residents/").status_code == 200
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_a_setting_can_require_two_factor_for_officers_too(client, officer, settings):
    settings.OTP_REQUIRED_ROLES = [roles.ADMINISTRATOR, roles.OFFICER]
    sign_in(client, officer.email)
    response = client.get("/residents/")
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)


def test_two_factor_page_needs_sign_in(client):
    response = client.get(TWO_FACTOR)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


# Idle sessions ----------------------------------------------------------------------------------


def test_idle_session_settings():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert "doorstep.core.middleware.IdleTimeoutMiddleware" in django_settings.MIDDLEWARE


def _age_session(key, *, last_seen_seconds_ago, expires_in):
    store = SessionStore(session_key=key)
    store["doorstep_last_seen"] = int(time.time()) - last_seen_seconds_ago
    store.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + expires_in)


def test_use_after_a_minute_pushes_the_session_expiry_forward(client, officer):
    sign_in(client, officer.email)
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=1)
    _age_session(key, last_seen_seconds_ago=90, expires_in=datetime.timedelta(minutes=1))
    assert client.get("/residents/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > soon + datetime.timedelta(minutes=20)


def test_use_within_a_minute_does_not_rewrite_the_session(client, officer):
    sign_in(client, officer.email)
    client.get("/residents/")  # the first page remembers whether two-factor is needed
    key = client.session.session_key
    _age_session(key, last_seen_seconds_ago=10, expires_in=datetime.timedelta(minutes=29))
    before = Session.objects.get(session_key=key).expire_date
    assert client.get("/residents/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == before


def test_a_session_idle_past_its_expiry_is_signed_out(client, officer):
    sign_in(client, officer.email)
    key = client.session.session_key
    assert client.get("/residents/").status_code == 200
    past = timezone.now() - datetime.timedelta(seconds=1)
    Session.objects.filter(session_key=key).update(expire_date=past)
    response = client.get("/residents/")
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


# Password reset ---------------------------------------------------------------------------------


def test_password_reset_by_email(client, officer):
    response = client.post(RESET, {"email": "Officer@Council.Example"})
    assert response.status_code == 302
    assert response.url == "/account/password-reset/sent/"
    assert "Check your e-mail" in text_of(client.get(response.url))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    link = re.search(r"https?://[^/\s]+(/account/password-reset/\S+/)", message.body).group(1)

    response = client.get(link)
    assert response.status_code == 302  # Django swaps the token for a session marker
    form_url = response.url
    assert "Choose a new password" in text_of(client.get(form_url))

    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "govuk-error-summary" in text_of(response)

    new = "a much longer pass phrase 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response.url == "/account/password-reset/done/"

    # The link works once only.
    assert "This link has expired or has been used" in text_of(client.get(link, follow=True))
    assert sign_in(client, officer.email, PASSWORD).status_code == 200
    assert sign_in(client, officer.email, new).status_code == 302


def test_reset_for_an_unknown_email_looks_the_same(client, officer):
    known = client.post(RESET, {"email": officer.email})
    mail.outbox.clear()
    unknown = client.post(RESET, {"email": "nobody@council.example"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    assert mail.outbox == []


def test_reset_asks_for_a_real_email(client):
    response = client.post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    page = text_of(response)
    assert "govuk-error-summary" in page
    assert "Enter an e-mail address in the correct format, like name@example.com" in page
    assert mail.outbox == []


def test_a_made_up_reset_link_is_refused(client, officer):
    response = client.get("/account/password-reset/MQ/set-password/", follow=True)
    assert "This link has expired or has been used" in text_of(response)


def test_email_backend_defaults_to_the_console():
    from doorstep import settings as doorstep_settings

    assert doorstep_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


# Signing out ------------------------------------------------------------------------------------


def test_sign_out_is_post_only(client, officer):
    sign_in(client, officer.email)
    response = client.get(SIGN_OUT)
    assert response.status_code == 405
    assert client.get("/residents/").status_code == 200

    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert client.get("/residents/").status_code == 302


def test_sign_out_needs_the_csrf_token(officer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    assert browser.post(SIGN_OUT).status_code == 403
    assert browser.get("/residents/").status_code == 200


# Roles ------------------------------------------------------------------------------------------


def test_roles_exist_as_groups_with_permissions(officer, team_leader, administrator):
    assert officer.has_perm("residents.view_resident")
    assert not officer.has_perm("cases.reassign_work")
    assert team_leader.has_perm("cases.reassign_work")
    assert not team_leader.has_perm("core.view_auditevent")
    assert administrator.has_perm("core.view_auditevent")
    assert administrator.has_perm("residents.merge_resident")


def test_digital_friend_sees_no_resident_records(client, digital_friend):
    resident = ResidentFactory(first_name="John", last_name="Smith")
    response = sign_in(client, digital_friend.email)
    assert response.status_code == 302
    assert client.get("/residents/").status_code == 403
    assert client.get("/residents/?q=smith").status_code == 403
    assert client.get(f"/residents/{resident.pk}/").status_code == 403
    assert client.post(f"/residents/{resident.pk}/notes/new/", {"body": "hi"}).status_code == 403
    account = client.get("/account/")
    assert account.status_code == 200
    assert 'href="/residents/"' not in text_of(account)
    assert not AuditEvent.objects.filter(resident_id=resident.pk).exists()


def test_officer_without_a_role_is_refused_too(client):
    nobody = StaffFactory(email="norole@council.example")
    sign_in(client, nobody.email)
    assert client.get("/residents/").status_code == 403
