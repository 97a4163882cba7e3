"""Twilio: the provider through the real SDK against a local fake Twilio, and the signed webhooks."""

import base64
import json
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from doorstep.messaging import services
from doorstep.messaging.models import Message, Suppression
from doorstep.messaging.providers import (
    PermanentError,
    RateLimited,
    TemporaryError,
    get_provider,
)
from doorstep.messaging.providers.twilio import TwilioProvider, status_update

from .fake_twilio import FakeTwilio, twilio_signature

pytestmark = pytest.mark.django_db

PUBLIC = "https://doorstep.example.gov.uk"
NUMBER = "+447700900982"  # textable_resident's mobile


@pytest.fixture
def fake_twilio():
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def twilio(settings, fake_twilio):
    """Doorstep configured for Twilio, with the SDK pointed at the fake."""
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = fake_twilio.account_sid
    settings.TWILIO_AUTH_TOKEN = fake_twilio.auth_token
    settings.TWILIO_FROM_NUMBER = fake_twilio.phone_number
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_BASE_URL = fake_twilio.url
    settings.PUBLIC_BASE_URL = PUBLIC
    fake_twilio.inbound_url = PUBLIC + reverse("callbacks:twilio_inbound")
    return fake_twilio


@pytest.fixture
def behind_proxy(twilio, live_server):
    """Twilio calls https://doorstep.example.gov.uk; a proxy ends TLS and passes the request
    on over plain HTTP to the live server."""
    twilio.routes[PUBLIC] = live_server.url
    return twilio


def queue_text(resident, officer, body="Please send your tenancy agreement"):
    return services.send_message(resident=resident, actor=officer, body=body)


def post_signed(client, name, params, *, query="", sign_url=None, token=None, signature=None):
    """POST form parameters to one of our webhooks as the Django test client (http://testserver),
    signed as Twilio would for the public URL unless told otherwise."""
    path = reverse(name) + (f"?{query}" if query else "")
    if signature is None:
        signature = twilio_signature(
            token if token is not None else django_settings.TWILIO_AUTH_TOKEN,
            sign_url or PUBLIC + path,
            params,
        )
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(
        path, urlencode(params), content_type="application/x-www-form-urlencoded", **headers
    )


@pytest.fixture
def twilio_client(client, twilio):
    return client


def status_params(twilio, sid, status, error_code=None):
    params = {
        "AccountSid": twilio.account_sid,
        "ApiVersion": "2010-04-01",
        "From": twilio.phone_number,
        "MessageSid": sid,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "To": NUMBER,
    }
    if error_code:
        params["ErrorCode"] = str(error_code)
    return params


def inbound_params(twilio, sid, body, number=NUMBER):
    return {
        "AccountSid": twilio.account_sid,
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": number,
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": twilio.phone_number,
    }


# --- The whole loop, through a live server ----------------------------------------------------


def test_send_status_callbacks_and_a_reply_through_a_live_server(
    behind_proxy, textable_resident, officer, run_tasks
):
    twilio = behind_proxy
    message = queue_text(textable_resident, officer)
    run_tasks()

    message.refresh_from_db()
    [sent] = twilio.sent()
    assert message.status == Message.Status.SENT
    assert message.provider == "twilio"
    assert message.provider_id == sent.sid
    assert sent.sid.startswith("SM") and len(sent.sid) == 34
    assert (sent.to, sent.from_, sent.body) == (NUMBER, twilio.phone_number, message.body)
    assert sent.status_callback == (
        f"{PUBLIC}/callbacks/twilio/status?reference={message.reference}"
    )

    assert twilio.advance(sent.sid, "sent", "delivered") == [204, 204]
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
    assert message.completed_at is not None

    # The resident replies: matched to them, stored, answered with empty TwiML.
    sid, status, answer = twilio.receive(from_=NUMBER, body="I posted it yesterday")
    assert status == 200
    assert answer == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    received = Message.objects.get(direction=Message.Direction.INBOUND)
    assert (received.provider, received.provider_id) == ("twilio", sid)
    assert received.resident == textable_resident
    assert received.body == "I posted it yesterday"

    # Twilio retries a webhook it thinks failed: the same MessageSid is stored once.
    _, status, _ = twilio.receive(from_=NUMBER, body="I posted it yesterday", sid=sid)
    assert status == 200
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1


def test_signature_for_the_public_https_url_is_what_counts_behind_a_proxy(
    behind_proxy, live_server, textable_resident
):
    sid = "SM" + "1" * 32
    params = inbound_params(behind_proxy, sid, "Hello")
    # Signed for the URL the request actually arrived on (what build_absolute_uri would give).
    arrived = live_server.url + reverse("callbacks:twilio_inbound")
    status, _ = behind_proxy.call_webhook(
        behind_proxy.inbound_url,
        params,
        signature=twilio_signature(behind_proxy.auth_token, arrived, params),
    )
    assert status == 403
    assert not Message.objects.exists()
    # Signed for the https:// URL Twilio was given: accepted, though it came over http.
    status, _ = behind_proxy.call_webhook(behind_proxy.inbound_url, params)
    assert status == 200
    assert Message.objects.get().provider_id == sid


# --- Signatures -------------------------------------------------------------------------------


def test_the_fake_signs_like_twilios_documented_example():
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


@pytest.fixture
def sent_message(twilio, textable_resident, officer):
    message = queue_text(textable_resident, officer)
    services.deliver_message(message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    return message


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": ""},  # no header
        {"signature": "bm90IGEgc2lnbmF0dXJl"},
        {"token": "another-accounts-token"},
        {"sign_url": "http://testserver/callbacks/twilio/status"},
        {"query": "reference=00000000-0000-0000-0000-000000000000"},  # query changed after
    ],
)
def test_status_callback_with_a_bad_signature_is_refused_and_changes_nothing(
    twilio_client, twilio, sent_message, tamper
):
    query = f"reference={sent_message.reference}"
    params = status_params(twilio, sent_message.provider_id, "delivered")
    kwargs = dict(tamper)
    if "query" in kwargs:
        # Signed for our reference, sent with another.
        kwargs["sign_url"] = f"{PUBLIC}{reverse('callbacks:twilio_status')}?{query}"
        query = kwargs.pop("query")
    response = post_signed(twilio_client, "callbacks:twilio_status", params, query=query, **kwargs)
    assert response.status_code == 403
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.SENT


def test_a_changed_parameter_breaks_the_signature(twilio_client, twilio, sent_message):
    params = status_params(twilio, sent_message.provider_id, "delivered")
    signature = twilio_signature(
        twilio.auth_token, PUBLIC + reverse("callbacks:twilio_status"), params
    )
    params["MessageStatus"] = params["SmsStatus"] = "undelivered"
    response = post_signed(twilio_client, "callbacks:twilio_status", params, signature=signature)
    assert response.status_code == 403
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.SENT


def test_inbound_with_a_bad_signature_is_refused_and_nothing_stored(
    twilio_client, twilio, textable_resident
):
    params = inbound_params(twilio, "SM" + "2" * 32, "STOP")
    response = post_signed(
        twilio_client, "callbacks:twilio_inbound", params, token="another-accounts-token"
    )
    assert response.status_code == 403
    assert not Message.objects.exists()
    assert not Suppression.objects.exists()


def test_debug_does_not_switch_validation_off(twilio_client, twilio, settings, textable_resident):
    settings.DEBUG = True
    params = inbound_params(twilio, "SM" + "3" * 32, "Hello")
    response = post_signed(twilio_client, "callbacks:twilio_inbound", params, signature="")
    assert response.status_code == 403
    response = post_signed(twilio_client, "callbacks:twilio_inbound", params, token="wrong")
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_without_an_auth_token_every_request_is_refused(
    twilio_client, twilio, settings, textable_resident
):
    settings.TWILIO_AUTH_TOKEN = ""
    params = inbound_params(twilio, "SM" + "4" * 32, "Hello")
    # Even one "signed" with the empty token, which an HMAC check alone would accept.
    response = post_signed(twilio_client, "callbacks:twilio_inbound", params, token="")
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_webhooks_answer_only_post(twilio_client):
    assert twilio_client.get(reverse("callbacks:twilio_status")).status_code == 405
    assert twilio_client.get(reverse("callbacks:twilio_inbound")).status_code == 405


# --- Webhook contents -------------------------------------------------------------------------


def test_status_callback_finds_our_message_by_reference_before_the_send_is_recorded(
    twilio_client, twilio, textable_resident, officer
):
    message = queue_text(textable_resident, officer)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENDING)
    sid = "SM" + "5" * 32
    response = post_signed(
        twilio_client,
        "callbacks:twilio_status",
        status_params(twilio, sid, "delivered"),
        query=f"reference={message.reference}",
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Message.Status.DELIVERED, sid)


def test_undelivered_callback_records_the_reason(twilio_client, twilio, sent_message):
    response = post_signed(
        twilio_client,
        "callbacks:twilio_status",
        status_params(twilio, sent_message.provider_id, "undelivered", error_code=30005),
        query=f"reference={sent_message.reference}",
    )
    assert response.status_code == 204
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.PERMANENT_FAILURE
    assert sent_message.error == "The number is not in use (Twilio error 30005)"


def test_a_late_or_unknown_status_changes_nothing(twilio_client, twilio, sent_message):
    Message.objects.filter(pk=sent_message.pk).update(status=Message.Status.DELIVERED)
    for status in ("sent", "receiving"):
        response = post_signed(
            twilio_client,
            "callbacks:twilio_status",
            status_params(twilio, sent_message.provider_id, status),
        )
        assert response.status_code == 204
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.DELIVERED


def test_stop_by_text_opts_out_and_doorstep_sends_the_confirmation(
    twilio_client, twilio, textable_resident
):
    response = post_signed(
        twilio_client, "callbacks:twilio_inbound", inbound_params(twilio, "SM" + "6" * 32, "STOP")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response />")  # nothing said in TwiML
    assert Suppression.objects.filter(number=NUMBER).exists()
    confirmation = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert confirmation.kind == Message.Kind.SYSTEM and confirmation.ignores_opt_out


def test_inbound_without_a_sender_is_rejected(twilio_client, twilio):
    params = inbound_params(twilio, "SM" + "7" * 32, "Hello", number="")
    response = post_signed(twilio_client, "callbacks:twilio_inbound", params)
    assert response.status_code == 400
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("twilio_status", "code", "ours"),
    [
        ("accepted", None, Message.Status.SENT),
        ("queued", None, Message.Status.SENT),
        ("sending", None, Message.Status.SENT),
        ("sent", None, Message.Status.SENT),
        ("delivered", None, Message.Status.DELIVERED),
        ("undelivered", 30003, Message.Status.TEMPORARY_FAILURE),
        ("undelivered", 30008, Message.Status.TEMPORARY_FAILURE),
        ("undelivered", 30005, Message.Status.PERMANENT_FAILURE),
        ("undelivered", 30006, Message.Status.PERMANENT_FAILURE),
        ("undelivered", 30007, Message.Status.TECHNICAL_FAILURE),
        ("failed", 30006, Message.Status.PERMANENT_FAILURE),
        ("failed", 21610, Message.Status.PERMANENT_FAILURE),
        ("failed", 30002, Message.Status.TECHNICAL_FAILURE),
        ("failed", None, Message.Status.TECHNICAL_FAILURE),
    ],
)
def test_twilio_statuses_map_to_ours(twilio_status, code, ours):
    update = status_update(provider_id="SM1", status=twilio_status, error_code=code)
    assert update.status == ours


def test_statuses_about_received_texts_say_nothing():
    assert status_update(provider_id="SM1", status="received") is None
    assert status_update(provider_id="SM1", status="") is None


# --- Errors when sending ----------------------------------------------------------------------


def test_429_is_rate_limited_and_the_client_does_not_retry(twilio):
    twilio.rate_limit_next(retry_after=7)
    with pytest.raises(RateLimited) as raised:
        TwilioProvider().send(reference="r1", number=NUMBER, body="Hello")
    assert raised.value.retry_after == 7
    assert twilio.creates() == 1
    assert not twilio.sent()


def test_429_puts_the_message_back_in_the_queue(twilio, textable_resident, officer):
    message = queue_text(textable_resident, officer)
    twilio.rate_limit_next(retry_after=7)
    before = timezone.now()
    outcome = services.deliver_message(message.pk)
    message.refresh_from_db()
    assert outcome.result == "retry"
    assert message.status == Message.Status.QUEUED
    assert message.send_after >= before + timedelta(seconds=7)
    assert message.error == "The provider asked us to slow down"


def test_500_is_a_temporary_error_and_the_client_does_not_retry(twilio):
    twilio.break_next()
    with pytest.raises(TemporaryError) as raised:
        TwilioProvider().send(reference="r1", number=NUMBER, body="Hello")
    assert not isinstance(raised.value, RateLimited)
    assert twilio.creates() == 1
    assert not twilio.sent()


def test_no_answer_at_all_is_a_temporary_error(twilio):
    twilio.stop()
    with pytest.raises(TemporaryError, match="Could not reach Twilio"):
        TwilioProvider().send(reference="r1", number=NUMBER, body="Hello")


def test_a_stopped_number_is_a_permanent_error_in_plain_words(twilio, textable_resident, officer):
    twilio.unsubscribed.add(NUMBER)
    with pytest.raises(PermanentError) as raised:
        TwilioProvider().send(reference="r1", number=NUMBER, body="Hello")
    assert str(raised.value) == (
        "07700 900982 has texted STOP to Twilio, so Twilio will not deliver texts to it until "
        "the resident texts START (error 21610). Doorstep keeps its own opt-out list too"
    )

    message = queue_text(textable_resident, officer)
    assert services.deliver_message(message.pk).result == "failed"
    message.refresh_from_db()
    assert message.status == Message.Status.TECHNICAL_FAILURE
    assert "texted STOP to Twilio" in message.error


@pytest.mark.parametrize(
    ("number", "body", "expected"),
    [
        ("07700900982", "Hello", "is not a valid phone number (error 21211)"),
        (NUMBER, "x" * 1601, "longer than Twilio's limit of 1,600 characters (error 21617)"),
    ],
)
def test_bad_requests_are_permanent_errors(twilio, number, body, expected):
    with pytest.raises(PermanentError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        TwilioProvider().send(reference="r1", number=number, body=body)
    assert not twilio.sent()


def test_wrong_credentials_are_a_permanent_error(twilio):
    with pytest.raises(PermanentError, match="TWILIO_AUTH_TOKEN"):
        TwilioProvider(auth_token="wrong").send(reference="r1", number=NUMBER, body="Hello")


def test_the_fake_answers_bad_credentials_with_twilios_error_body(twilio):
    url = f"{twilio.url}/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    request = urllib.request.Request(url)  # noqa: S310
    request.add_header("Authorization", "Basic " + base64.b64encode(b"AC1:nope").decode())
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request)  # noqa: S310
    assert raised.value.code == 401
    assert json.loads(raised.value.read()) == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


# --- Never twice --------------------------------------------------------------------------------


def hasty():
    """A provider that gives up quickly, for requests the fake holds until released."""
    return TwilioProvider(timeout=0.5)


def _due_now(message):
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())


def test_a_timeout_then_a_retry_does_not_send_twice(twilio, textable_resident, officer):
    message = queue_text(textable_resident, officer)
    twilio.hang_next_create(after_recording=True)  # Twilio takes it; its answer never comes

    assert services.deliver_message(message.pk, provider=hasty()).result == "retry"
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert message.error == "Twilio did not answer in time"
    twilio.release()

    _due_now(message)
    assert services.deliver_message(message.pk).result == "sent"
    message.refresh_from_db()
    [sent] = twilio.sent()
    assert message.status == Message.Status.SENT
    assert message.provider_id == sent.sid
    assert twilio.creates() == 1


def test_a_timeout_before_twilio_had_it_sends_on_retry(twilio, textable_resident, officer):
    message = queue_text(textable_resident, officer)
    twilio.hang_next_create(after_recording=False)

    assert services.deliver_message(message.pk, provider=hasty()).result == "retry"
    twilio.release()
    _due_now(message)
    assert services.deliver_message(message.pk).result == "sent"
    message.refresh_from_db()
    [sent] = twilio.sent()
    assert message.provider_id == sent.sid
    assert twilio.creates() == 2


def test_find_sent_skips_an_identical_text_another_message_holds(twilio, textable_resident):
    first, second = (
        services.send_system_text(
            number=NUMBER, body="Your appointment is tomorrow at 10am", idempotency_key=key
        )
        for key in ("a", "b")
    )
    assert services.deliver_message(first.pk).result == "sent"
    twilio.hang_next_create(after_recording=True)
    assert services.deliver_message(second.pk, provider=hasty()).result == "retry"
    twilio.release()
    _due_now(second)
    assert services.deliver_message(second.pk).result == "sent"

    first.refresh_from_db()
    second.refresh_from_db()
    assert {first.provider_id, second.provider_id} == {m.sid for m in twilio.sent()}
    assert first.provider_id != second.provider_id
    assert twilio.creates() == 2


def test_find_sent_is_none_for_a_text_twilio_never_got(twilio, textable_resident, officer):
    message = queue_text(textable_resident, officer)
    provider = TwilioProvider()
    provider.send(reference="other", number=NUMBER, body="Another text")
    twilio.receive(from_=NUMBER, body=message.body, webhook=False)  # same words, but inbound
    assert provider.find_sent(str(message.reference)) is None
    assert provider.find_sent("00000000-0000-0000-0000-000000000000") is None


def test_find_sent_failing_is_a_temporary_error(twilio, textable_resident, officer):
    message = queue_text(textable_resident, officer)
    twilio.break_next()
    with pytest.raises(TemporaryError):
        TwilioProvider().find_sent(str(message.reference))


# --- Polling: status and received texts --------------------------------------------------------


def test_fetch_status_reads_the_message(twilio, sent_message):
    twilio.set_status(sent_message.provider_id, "undelivered", error_code=30003)
    update = get_provider().fetch_status(sent_message.provider_id)
    assert update.status == Message.Status.TEMPORARY_FAILURE
    assert update.detail == "The phone was off or out of signal (Twilio error 30003)"
    assert TwilioProvider().fetch_status("SM" + "0" * 32) is None


def test_fetch_inbound_lists_received_texts_only(twilio, sent_message, textable_resident):
    sid, _, _ = twilio.receive(from_=NUMBER, body="Got it, thanks", webhook=False)
    texts = TwilioProvider().fetch_inbound()
    assert [(t.provider_id, t.number, t.body) for t in texts] == [(sid, NUMBER, "Got it, thanks")]

    services.receive_message(provider_name="twilio", inbound=texts[0])
    assert services.receive_message(provider_name="twilio", inbound=texts[0]) is None
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1
    assert TwilioProvider().fetch_inbound() == []  # already held: not offered again


# --- Configuration ----------------------------------------------------------------------------


def test_a_messaging_service_sends_instead_of_a_number(twilio, settings):
    settings.TWILIO_FROM_NUMBER = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = twilio.messaging_service_sid
    result = get_provider().send(reference="r1", number=NUMBER, body="Hello")
    [sent] = twilio.sent()
    assert result.provider_id == sent.sid
    assert result.status == Message.Status.SENT  # Twilio said "accepted"
    assert (sent.messaging_service_sid, sent.from_) == (twilio.messaging_service_sid, None)


@pytest.mark.parametrize(
    "missing",
    [
        {"TWILIO_AUTH_TOKEN": ""},
        {"TWILIO_ACCOUNT_SID": ""},
        {"TWILIO_FROM_NUMBER": "", "TWILIO_MESSAGING_SERVICE_SID": ""},
    ],
)
def test_missing_configuration_is_said_plainly(twilio, settings, missing):
    for name, value in missing.items():
        setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match="SMS_PROVIDER is twilio: set TWILIO_"):
        get_provider()
