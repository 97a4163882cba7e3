"""GOV.UK Notify: the provider against a fake Notify over HTTP, and Notify's callbacks."""

import json
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from notifications_python_client.errors import HTTPError

from doorstep.core.models import TimelineEvent
from doorstep.messaging import services
from doorstep.messaging.models import Message
from doorstep.messaging.providers import (
    PermanentError,
    RateLimited,
    TemporaryError,
    get_provider,
)
from doorstep.messaging.providers.notify import NotifyProvider, to_e164
from doorstep.messaging.sweep import sweep

from ..factories import PhoneFactory, ResidentFactory
from .fake_notify import FakeNotify

CALLBACK_TOKEN = "callback-token-3f9a1c2e7b"
RESIDENT_NUMBER = "+447700900982"


@pytest.fixture
def fake():
    with FakeNotify(team_numbers=("07700900982",)) as server:
        yield server


@pytest.fixture
def notify_settings(settings, fake):
    settings.SMS_PROVIDER = "notify"
    settings.NOTIFY_API_KEY = fake.api_key("test")
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_TEMPLATE_ID = fake.template_id
    settings.NOTIFY_SMS_SENDER_ID = fake.sms_sender_id
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    return settings


@pytest.fixture
def live_notify(fake, notify_settings, live_server):
    """The fake posts its callbacks to a real Doorstep server, as Notify would."""
    fake.configure_callbacks(
        delivery_url=live_server.url + reverse("callbacks:notify_delivery"),
        received_url=live_server.url + reverse("callbacks:notify_received"),
        token=CALLBACK_TOKEN,
    )
    return fake


def _queue(resident, officer, team, body="Please send your tenancy agreement"):
    return services.send_message(resident=resident, actor=officer, body=body, team=team)


def _send(resident, officer, team, provider=None, **kwargs) -> Message:
    """Queue a text and hand it to Notify once, without the task queue."""
    message = _queue(resident, officer, team, **kwargs)
    services.deliver_message(message.pk, provider=provider or NotifyProvider())
    message.refresh_from_db()
    return message


def _inbound():
    return Message.objects.filter(direction=Message.Direction.INBOUND)


def _post(client, name, payload, token=CALLBACK_TOKEN, **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(reverse(name), body, content_type="application/json", **headers)


# --- The whole loop, over HTTP both ways -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_send_then_delivery_receipt_marks_the_text_delivered(
    live_notify, textable_resident, officer, team, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(textable_resident, officer, team)
    run_tasks()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider == "notify"

    (request,) = live_notify.sent_texts()
    assert request["json"] == {
        "phone_number": RESIDENT_NUMBER,
        "template_id": live_notify.template_id,
        "personalisation": {"body": message.body},
        "reference": str(message.reference),
        "sms_sender_id": live_notify.sms_sender_id,
    }
    assert message.provider_id in live_notify.notifications

    assert live_notify.complete(message.provider_id) == 200
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
    assert message.completed_at is not None

    # Notify retries callbacks: a repeat changes nothing.
    assert live_notify.complete(message.provider_id) == 200
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED


@pytest.mark.django_db(transaction=True)
def test_reply_by_callback_is_matched_to_the_resident(live_notify, textable_resident):
    notify_id, status = live_notify.receive_text("447700900982", "I posted the form today")
    assert status == 200
    reply = _inbound().get()
    assert reply.resident == textable_resident
    assert reply.number == RESIDENT_NUMBER
    assert reply.body == "I posted the form today"
    assert (reply.provider, reply.provider_id) == ("notify", notify_id)
    assert TimelineEvent.objects.filter(resident_id=textable_resident.pk, kind="text").exists()


@pytest.mark.django_db(transaction=True)
def test_polling_for_replies_skips_those_the_callback_brought(live_notify, textable_resident):
    live_notify.receive_text("447700900982", "First, by callback")
    live_notify.receive_text("447700900982", "Second, callback lost", callback=False)
    assert _inbound().count() == 1

    report = sweep(provider=NotifyProvider())
    assert report.received == 1
    assert sorted(_inbound().values_list("body", flat=True)) == [
        "First, by callback",
        "Second, callback lost",
    ]
    assert sweep(provider=NotifyProvider()).received == 0
    assert _inbound().count() == 2


# --- Statuses and replies without callbacks ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+447700900982", Message.Status.DELIVERED),
        ("+447700900003", Message.Status.TEMPORARY_FAILURE),
        ("+447700900002", Message.Status.PERMANENT_FAILURE),
    ],
)
def test_sweep_fetches_the_status_when_no_callback_came(
    fake, notify_settings, officer, team, number, expected
):
    resident = ResidentFactory(consents_to_text=True)
    PhoneFactory(resident=resident, number=number, is_mobile=True, is_primary=True)
    message = _send(resident, officer, team)
    fake.complete(message.provider_id, callback=False)

    assert sweep(provider=NotifyProvider()).polled == 0  # too soon to ask
    message.refresh_from_db()
    assert message.status == Message.Status.SENT

    report = sweep(now=timezone.now() + timedelta(hours=1), provider=NotifyProvider())
    assert report.polled == 1
    message.refresh_from_db()
    assert message.status == expected


@pytest.mark.django_db
@pytest.mark.parametrize("notify_status", ["created", "sending", "pending", "sent"])
def test_notify_statuses_without_a_final_word_read_as_sent(
    fake, notify_settings, textable_resident, officer, team, notify_status
):
    message = _send(textable_resident, officer, team)
    fake.complete(message.provider_id, status=notify_status, callback=False)
    update = NotifyProvider().fetch_status(message.provider_id)
    assert update.status == Message.Status.SENT
    assert update.reference == str(message.reference)


@pytest.mark.django_db
def test_fetch_status_of_an_unknown_text_is_none(fake, notify_settings):
    assert NotifyProvider().fetch_status("0b8e7c1e-5a7e-4a3c-9d55-6f1e3b8a2c10") is None


@pytest.mark.django_db
def test_fetch_inbound_pages_back_until_nothing_is_new(fake, notify_settings):
    fake.page_size = 2
    for n in range(5):
        fake.receive_text(f"44770090010{n}", f"Text {n}", callback=False)
    provider = NotifyProvider()
    texts = provider.fetch_inbound()
    assert [t.body for t in texts] == [f"Text {n}" for n in (4, 3, 2, 1, 0)]
    assert texts[0].number == "+447700900104"
    assert texts[0].received_at.tzinfo is not None
    for text in texts:
        services.receive_message(provider_name="notify", inbound=text)

    asked = len(fake.requests)
    assert provider.fetch_inbound() == []
    assert len(fake.requests) == asked + 1  # one page, all known: stop


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_429_is_rate_limited_with_the_wait_notify_gives(
    fake, notify_settings, textable_resident, officer, team
):
    fake.fail_next(429, retry_after="7")
    with pytest.raises(RateLimited) as raised:
        NotifyProvider().send(reference="ref-1", number=RESIDENT_NUMBER, body="Hello")
    assert raised.value.retry_after == 7.0
    assert "3000 requests per 60 seconds" in str(raised.value)

    fake.fail_next(429)
    message = _send(textable_resident, officer, team)
    assert message.status == Message.Status.QUEUED
    assert message.error == "The provider asked us to slow down"
    assert fake.sent_texts() == []


@pytest.mark.django_db
def test_500_is_a_temporary_error_and_the_text_waits_to_be_retried(
    fake, notify_settings, textable_resident, officer, team
):
    fake.fail_next(500)
    with pytest.raises(TemporaryError) as raised:
        NotifyProvider().send(reference="ref-1", number=RESIDENT_NUMBER, body="Hello")
    assert not isinstance(raised.value, RateLimited)
    assert "Internal server error" in str(raised.value)

    fake.fail_next(500, path="/v2/notifications/sms")
    message = _send(textable_resident, officer, team)
    assert message.status == Message.Status.QUEUED
    assert message.send_after > timezone.now()


@pytest.mark.django_db
def test_400_is_a_permanent_error_with_notifys_message(fake, notify_settings, officer, team):
    notify_settings.NOTIFY_API_KEY = fake.api_key("team")  # sends only to the team's numbers
    stranger = ResidentFactory(consents_to_text=True)
    PhoneFactory(resident=stranger, number="+447700900123", is_mobile=True, is_primary=True)
    with pytest.raises(PermanentError) as raised:
        NotifyProvider().send(reference="ref-1", number="+447700900123", body="Hello")
    assert "Can’t send to this recipient using a team-only API key" in str(raised.value)

    message = _send(stranger, officer, team)
    assert message.status == Message.Status.TECHNICAL_FAILURE
    assert "team-only API key" in message.error


@pytest.mark.django_db
def test_a_team_key_sends_to_the_team(fake, notify_settings, textable_resident, officer, team):
    notify_settings.NOTIFY_API_KEY = fake.api_key("team")
    message = _send(textable_resident, officer, team)
    assert message.status == Message.Status.SENT


@pytest.mark.django_db
def test_the_fake_validates_the_request_body_as_notify_does(fake, notify_settings):
    provider = NotifyProvider()
    with pytest.raises(PermanentError, match="phone_number Not enough digits"):
        provider.send(reference="ref-1", number="0770090", body="Hello")
    with pytest.raises(HTTPError, match="Missing personalisation: body"):
        provider.client.send_sms_notification(RESIDENT_NUMBER, fake.template_id)

    wrong_sender = NotifyProvider(sms_sender_id="6c1a0d0e-8f7e-4d0b-9f4c-2f0e6b1d7a11")
    with pytest.raises(PermanentError, match="sms_sender_id .* does not exist"):
        wrong_sender.send(reference="ref-1", number=RESIDENT_NUMBER, body="Hello")

    with pytest.raises(HTTPError) as raised:
        provider.client.post("/v2/notifications/sms", data={"template_id": "nope"})
    assert raised.value.response.json() == {
        "status_code": 400,
        "errors": [
            {"error": "ValidationError", "message": "phone_number is a required property"},
            {"error": "ValidationError", "message": "template_id is not a valid UUID"},
        ],
    }
    assert fake.sent_texts() == []


@pytest.mark.django_db
def test_timeout_then_retry_finds_the_first_send_and_does_not_send_again(
    fake, notify_settings, textable_resident, officer, team
):
    message = _queue(textable_resident, officer, team)
    fake.hang_next(path="/v2/notifications/sms")  # Notify takes the text but answers too late
    outcome = services.deliver_message(message.pk, provider=NotifyProvider(timeout=0.5))
    assert outcome.result == "retry"
    fake.release()
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "did not answer in time" in message.error

    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())  # the back-off passed
    outcome = services.deliver_message(message.pk, provider=NotifyProvider())
    assert outcome.result == "sent"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(fake.sent_texts()) == 1
    (notification_id,) = fake.notifications
    assert message.provider_id == notification_id
    lookups = [r for r in fake.requests if r["path"] == "/v2/notifications"]
    assert lookups[0]["query"] == {"reference": [str(message.reference)], "template_type": ["sms"]}


@pytest.mark.django_db
def test_a_retry_that_notify_refuses_to_look_up_fails_rather_than_sticks(
    fake, notify_settings, textable_resident, officer, team
):
    message = _queue(textable_resident, officer, team)
    fake.fail_next(500, path="/v2/notifications/sms")
    services.deliver_message(message.pk, provider=NotifyProvider())
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())

    fake.fail_next(503, path="/v2/notifications")  # the look-up fails for now: try later
    assert services.deliver_message(message.pk, provider=NotifyProvider()).result == "retry"
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())

    revoked = fake.api_key("test", secret="7f3e2d1c-0b9a-4876-8543-21fedcba9876")
    outcome = services.deliver_message(message.pk, provider=NotifyProvider(api_key=revoked))
    assert outcome.result == "failed"
    message.refresh_from_db()
    assert message.status == Message.Status.TECHNICAL_FAILURE
    assert "API key not found" in message.error
    assert fake.sent_texts() == []


@pytest.mark.django_db
def test_find_sent_only_finds_texts_with_that_reference(
    fake, notify_settings, textable_resident, officer, team
):
    message = _send(textable_resident, officer, team)
    provider = NotifyProvider()
    assert provider.find_sent(str(message.reference)).provider_id == message.provider_id
    assert provider.find_sent("some-other-reference") is None
    # A live key does not see texts sent with the test key, as in Notify.
    live = NotifyProvider(api_key=fake.api_key("live"))
    assert live.find_sent(str(message.reference)) is None


@pytest.mark.django_db
def test_connection_refused_is_a_temporary_error(notify_settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = NotifyProvider(base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(TemporaryError, match="could not connect"):
        provider.send(reference="ref-1", number=RESIDENT_NUMBER, body="Hello")


# --- Authentication with Notify ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_secret_is_refused_by_notify(fake, notify_settings):
    wrong = fake.api_key("test", secret="2d0c8a5e-1b3f-4e6a-9c7d-8e5f4a3b2c1d")
    with pytest.raises(PermanentError, match="Invalid token: API key not found"):
        NotifyProvider(api_key=wrong).send(reference="r", number=RESIDENT_NUMBER, body="Hi")
    assert fake.requests[-1]["status"] == 403
    assert fake.sent_texts() == []


@pytest.mark.django_db
def test_a_token_more_than_30_seconds_old_is_refused(fake, notify_settings):
    fake.clock_offset = 31  # Notify's clock is ahead of ours
    with pytest.raises(PermanentError, match="accurate to within 30 seconds"):
        NotifyProvider().send(reference="r", number=RESIDENT_NUMBER, body="Hi")
    fake.clock_offset = 25
    assert NotifyProvider().send(reference="r", number=RESIDENT_NUMBER, body="Hi").provider_id


def test_a_malformed_api_key_is_a_configuration_error(settings):
    settings.NOTIFY_API_KEY = "just-a-secret"
    settings.NOTIFY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
        NotifyProvider()


def test_get_provider_builds_the_notify_provider(fake, notify_settings):
    assert isinstance(get_provider(), NotifyProvider)


def test_numbers_from_notify_become_e164():
    assert to_e164("447700900123") == "+447700900123"
    assert to_e164("07700900123") == "+447700900123"
    assert to_e164("+447700900123") == "+447700900123"


# --- Callbacks: who may post, and what they must post -------------------------------------------


@pytest.fixture
def sent_message(fake, notify_settings, textable_resident, officer, team):
    message = _send(textable_resident, officer, team)
    fake.complete(message.provider_id, callback=False)
    return message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong-token"},
        {"HTTP_AUTHORIZATION": f"Basic {CALLBACK_TOKEN}"},
        {"HTTP_AUTHORIZATION": f"Bearer {CALLBACK_TOKEN}x"},
    ],
)
def test_callbacks_without_the_token_are_refused_and_record_nothing(
    client, fake, sent_message, headers
):
    receipt = fake.delivery_receipt(sent_message.provider_id)
    response = _post(client, "callbacks:notify_delivery", receipt, token=None, **headers)
    assert response.status_code == 403
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.SENT

    notify_id, _ = fake.receive_text("447700900982", "Hello", callback=False)
    text = fake.received_text_callback(fake.received[-1])
    response = _post(client, "callbacks:notify_received", text, token=None, **headers)
    assert response.status_code == 403
    assert not _inbound().exists()


@pytest.mark.django_db
def test_with_no_token_configured_every_callback_is_refused(
    client, fake, sent_message, notify_settings
):
    notify_settings.NOTIFY_CALLBACK_TOKEN = ""
    receipt = fake.delivery_receipt(sent_message.provider_id)
    assert _post(client, "callbacks:notify_delivery", receipt, token="").status_code == 403
    fake.receive_text("447700900982", "Hello", callback=False)
    text = fake.received_text_callback(fake.received[-1])
    assert _post(client, "callbacks:notify_received", text, token="").status_code == 403
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.SENT
    assert not _inbound().exists()


@pytest.mark.django_db
def test_callbacks_with_the_token_are_recorded(client, fake, sent_message):
    receipt = fake.delivery_receipt(sent_message.provider_id)
    assert _post(client, "callbacks:notify_delivery", receipt).status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.DELIVERED

    fake.receive_text("447700900982", "Thanks", callback=False)
    text = fake.received_text_callback(fake.received[-1])
    assert _post(client, "callbacks:notify_received", text).status_code == 200
    assert _post(client, "callbacks:notify_received", text).status_code == 200  # a retry
    assert _inbound().get().body == "Thanks"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["callbacks:notify_delivery", "callbacks:notify_received"])
@pytest.mark.parametrize("body", ["{not json", "[1, 2]", json.dumps({"message": "no id"})])
def test_callbacks_that_are_not_notifys_json_are_bad_requests(client, notify_settings, name, body):
    assert _post(client, name, body).status_code == 400
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_receipt_with_a_status_we_do_not_track_is_acknowledged(client, fake, sent_message):
    receipt = fake.delivery_receipt(sent_message.provider_id) | {"status": "accepted"}
    assert _post(client, "callbacks:notify_delivery", receipt).status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.SENT
