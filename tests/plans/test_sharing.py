"""Sharing with the resident: the texted link, the one-time code, the session on one device.

Each refusal is a plain message; nothing about the resident or the plan shows before the code.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from doorstep.core.models import ServiceEvent
from doorstep.messaging.models import Message
from doorstep.messaging.services import NotTextable
from doorstep.plans import services
from doorstep.plans.models import OneTimeCode, Plan, ResidentLink

from ..core.resident_browser import get, held
from ..factories import PhoneFactory, ResidentFactory
from .conftest import latest_code, resident_action, texts_to

NUMBER = "+447700900982"


@pytest.fixture(autouse=True)
def _commit(committed):
    global COMMITTED
    COMMITTED = committed


def _start(client, token):
    with COMMITTED():
        return client.post(reverse("plans:resident_start", args=[token]))


def _enter(client, token, code):
    return client.post(reverse("plans:resident_code", args=[token]), {"code": code})


def _plan_url(token):
    return reverse("plans:resident_plan", args=[token])


def test_sharing_texts_a_link_and_starts_the_transaction(shared, plan):
    link, token = shared
    assert plan.status == Plan.Status.SHARED
    body = texts_to(NUMBER)[0]
    assert reverse("plans:resident_start", args=[token]) in body
    assert "Amina" in body
    # Only the hash is kept.
    assert token not in ResidentLink.objects.values_list("token_hash", flat=True)
    assert len(token) >= 32
    assert ServiceEvent.objects.filter(name="plan.shared").count() == 1
    assert ServiceEvent.objects.filter(name="transaction.started").count() == 1


def test_a_resident_who_cannot_be_texted_gets_no_link(plan, officer, textable_resident):
    textable_resident.consents_to_text = False
    textable_resident.save()
    with pytest.raises(NotTextable):
        services.share_plan(actor=officer, plan=plan)
    assert not ResidentLink.objects.exists()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_nothing_personal_shows_before_the_code(client, shared, plan, textable_resident):
    _, token = shared
    for url in [
        reverse("plans:resident_start", args=[token]),
        reverse("plans:resident_code", args=[token]),
    ]:
        page = get(client, url).content.decode()
        for secret in [
            textable_resident.first_name,
            textable_resident.last_name,
            plan.title,
            "landlord",
            "0982",
            "Citizens Advice",
        ]:
            assert secret not in page, (url, secret)
    assert (
        "Enter the code we texted you"
        in get(client, reverse("plans:resident_code", args=[token])).content.decode()
    )
    # The plan itself sends them back to the start.
    response = get(client, _plan_url(token))
    assert response.status_code == 302
    assert response.url == held(reverse("plans:resident_start", args=[token]))
    action = resident_action(plan)
    for url in [
        reverse("plans:resident_action", args=[token, action.pk]),
        reverse("plans:resident_agree", args=[token]),
    ]:
        assert get(client, url).status_code == 302


def test_the_right_code_opens_the_plan_for_thirty_minutes_on_that_device(
    client, shared, plan, run_tasks
):
    _, token = shared
    assert _start(client, token).status_code == 302
    run_tasks()
    code = latest_code(NUMBER)
    response = _enter(client, token, code)
    assert response.status_code == 302 and response.url == _plan_url(token)
    page = get(client, _plan_url(token)).content.decode()
    assert plan.title in page
    assert "What you've agreed to do" in page
    assert ServiceEvent.objects.filter(name="plan.viewed").count() == 1
    # The code is used up.
    client.logout()
    assert "already" in _enter(client, token, code).content.decode()
    later = timezone.now() + datetime.timedelta(minutes=31)
    with freeze_time(later):
        _start(client, token)
    # A fresh browser after the code: open; then 31 minutes later it is closed.
    run_tasks()
    _enter(client, token, latest_code(NUMBER))
    with freeze_time(timezone.now() + datetime.timedelta(minutes=31)):
        assert get(client, _plan_url(token)).status_code == 302


def test_a_wrong_code_says_so_and_counts_the_tries(client, shared, run_tasks, settings):
    _, token = shared
    _start(client, token)
    run_tasks()
    code = latest_code(NUMBER)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = _enter(client, token, wrong)
    assert "The code is not right. You have 4 tries left" in response.content.decode()
    assert OneTimeCode.objects.get().tries == 1
    assert "Enter the 6-digit code" in _enter(client, token, "12ab").content.decode()
    for _ in range(4):
        response = _enter(client, token, wrong)
    assert "no tries left" in response.content.decode()
    # Even the right code is refused now.
    response = _enter(client, token, code)
    assert "too many times. Ask for a new code" in response.content.decode()
    assert get(client, _plan_url(token)).status_code == 302


def test_an_expired_code_is_refused(client, shared, run_tasks):
    _, token = shared
    _start(client, token)
    run_tasks()
    code = latest_code(NUMBER)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=11)):
        response = _enter(client, token, code)
    assert "That code has expired" in response.content.decode()
    assert get(client, _plan_url(token)).status_code == 302


def test_asking_for_codes_is_limited(client, shared, run_tasks):
    _, token = shared
    for _ in range(3):
        assert _start(client, token).status_code == 302
    response = _start(client, token)
    assert response.status_code == 429
    assert "already sent 3 codes in the last hour" in response.content.decode()
    run_tasks()
    assert len([b for b in texts_to(NUMBER) if "is your code" in b]) == 3
    # Only the newest code works.
    codes = [b[:6] for b in texts_to(NUMBER) if "is your code" in b]
    assert "not right" in _enter(client, token, codes[0]).content.decode() or codes[0] == codes[2]
    assert _enter(client, token, codes[2]).status_code == 302


def test_a_stopped_link_is_refused_even_with_a_session(client, shared, officer, run_tasks):
    link, token = shared
    _start(client, token)
    run_tasks()
    _enter(client, token, latest_code(NUMBER))
    assert get(client, _plan_url(token)).status_code == 200
    assert services.revoke_link(actor=officer, link=link)
    response = get(client, _plan_url(token))
    assert response.status_code == 410
    assert "This link no longer works" in response.content.decode()
    assert _start(client, token).status_code == 410
    assert not services.revoke_link(actor=officer, link=link)


def test_an_expired_link_is_refused(client, shared, settings):
    _, token = shared
    with freeze_time(timezone.now() + datetime.timedelta(days=settings.PLAN_LINK_DAYS + 1)):
        response = get(client, reverse("plans:resident_start", args=[token]))
    assert response.status_code == 410


def test_someone_elses_link_with_my_code_fails(client, shared, officer, team, run_tasks):
    mine, my_token = shared
    other = ResidentFactory(first_name="Bola", consents_to_text=True)
    PhoneFactory(resident=other, number="+447700900111", is_mobile=True)
    other_plan = services.create_plan(actor=officer, resident=other, title="Bola's plan")
    with COMMITTED():
        _, their_token = services.share_plan(actor=officer, plan=other_plan)
    _start(client, my_token)
    run_tasks()
    my_code = latest_code(NUMBER)
    _start(client, their_token)
    run_tasks()
    response = _enter(client, their_token, my_code)
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert get(client, _plan_url(their_token)).status_code == 302
    # And a session for my link does not open theirs.
    _enter(client, my_token, my_code)
    assert get(client, _plan_url(my_token)).status_code == 200
    assert get(client, _plan_url(their_token)).status_code == 302


def test_a_wrong_token_is_a_plain_404_and_guessing_is_throttled(client, shared, settings):
    settings.PLAN_LINK_GUESS_LIMIT = 3
    _, token = shared
    for guess in ["nope", "x" * 32, token[:-1] + ("A" if token[-1] != "A" else "B")]:
        response = get(client, reverse("plans:resident_start", args=[guess]))
        assert response.status_code == 404
        assert b"plan" not in response.content.lower()
    # Now even the real link waits, from this address.
    assert get(client, reverse("plans:resident_start", args=[token])).status_code == 429


def test_a_number_that_opted_out_gets_no_code(client, shared, textable_resident):
    from doorstep.messaging.models import Suppression

    _, token = shared
    Suppression.objects.create(number=NUMBER)
    response = _start(client, token)
    assert response.status_code == 429
    assert "cannot text a code" in response.content.decode()
    assert not Message.objects.filter(body__contains="is your code").exists()


def test_staff_never_see_the_link_or_the_code(
    client, shared, plan, officer, textable_resident, run_tasks
):
    """Texts carrying the link or the code are stored and shown with the secret hidden."""
    _, token = shared
    _start(client, token)
    run_tasks()
    code = latest_code(NUMBER)
    stored = " ".join(Message.objects.values_list("body", flat=True))
    assert token not in stored and code not in stored
    assert "://.../plans/r/••••••" in stored and "•••••• is your code" in stored
    assert not Message.objects.exclude(status="queued").exclude(sealed_body="").exists()
    client.force_login(officer)
    for url in (
        reverse("messaging:conversation", args=[textable_resident.pk]),
        textable_resident.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert token not in page and code not in page
