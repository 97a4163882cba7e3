"""Twilio Programmable Messaging, through its Python SDK (`twilio`).

Each text is created with the Messages API from TWILIO_FROM_NUMBER, or through the Messaging
Service TWILIO_MESSAGING_SERVICE_SID, with a StatusCallback that carries our message reference
(`?reference=...`), so a delivery report finds our message even if it overtakes the send.

The SDK makes one HTTP request per call and never retries: `services.deliver_message` does,
after `find_sent`. Errors become TemporaryError (timeouts, connection errors, 5xx), RateLimited
(429, Twilio error 20429) or PermanentError (other 4xx, in plain words for the officer).

Twilio has no field for a caller's reference, and the StatusCallback is not returned when a
message is read back, so `find_sent` looks for a text to the same number, with the same body,
created since our message was, that no other message of ours has claimed. The reasoning and the
remaining risk are in docs/decisions/0009-twilio-sdk.md.

Twilio handles STOP itself as well: a number that texted STOP to our Twilio number is refused
with error 21610 until it texts START. Doorstep still receives the STOP and keeps its own list.
"""

import json
import logging
from datetime import UTC, datetime, timedelta

import phonenumbers
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from requests.adapters import HTTPAdapter
from twilio.base import values
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from doorstep.core.validators import format_phone_for_display

from ..models import Message
from .base import (
    InboundSms,
    PermanentError,
    RateLimited,
    SendResult,
    StatusUpdate,
    TemporaryError,
)

log = logging.getLogger(__name__)
# The SDK logs every request at INFO, query strings included, and those hold residents' numbers.
sdk_log = logging.getLogger(f"{__name__}.sdk")
sdk_log.setLevel(logging.WARNING)

# Seconds to wait for Twilio before giving up on a request (a retry asks find_sent first).
TIMEOUT_SECONDS = 10.0
# Our clock and Twilio's may differ a little: find_sent looks this far before our message.
CLOCK_SKEW = timedelta(minutes=5)
# How many of the latest texts to a number find_sent reads.
FIND_SENT_LOOKBACK = 100
# fetch_inbound reads the texts received this long ago or later, at most this many.
INBOUND_LOOKBACK = timedelta(days=2)
INBOUND_LIMIT = 500

# Twilio's message statuses, as ours. Accepted, scheduled, queued, sending and sent all mean
# "Twilio has it, no final word yet", which for us is "sent". Undelivered and failed depend on
# the error code (see status_update); the others are not about texts we send.
IN_FLIGHT = {"accepted", "scheduled", "queued", "sending", "sent"}
DELIVERED = {"delivered", "read"}

# Error codes that say the number itself cannot get texts: sending again will not help.
PERMANENT_CODES = {
    21211: "Not a valid phone number",
    21610: "The resident texted STOP to Twilio: they must text START before texts can reach them",
    21614: "Not a mobile number",
    30004: "The number is blocked from getting texts",
    30005: "The number is not in use",
    30006: "A landline, or a network Twilio cannot reach",
}
# Undelivered with these codes is a problem on our side or Twilio's, not the resident's phone.
TECHNICAL_CODES = {
    30001: "Twilio's queue for our number was full",
    30002: "The Twilio account is suspended",
    30007: "A mobile network filtered the text as unwanted",
}
# Other codes worth saying in plain words when the text was not delivered.
OTHER_CODES = {
    30003: "The phone was off or out of signal",
    30008: "The mobile network gave no reason",
}


class TwilioProvider:
    name = "twilio"
    # Twilio queues texts per sender at the sender's own speed; SMS_RATE_PER_MINUTE sets ours.
    default_rate_per_minute = None

    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        base_url: str | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ):
        def pick(value, setting):
            return getattr(settings, setting) if value is None else value

        self.account_sid = pick(account_sid, "TWILIO_ACCOUNT_SID")
        auth_token = pick(auth_token, "TWILIO_AUTH_TOKEN")
        self.from_number = pick(from_number, "TWILIO_FROM_NUMBER")
        self.messaging_service_sid = pick(messaging_service_sid, "TWILIO_MESSAGING_SERVICE_SID")
        base_url = pick(base_url, "TWILIO_BASE_URL")
        if not self.account_sid or not auth_token:
            raise ImproperlyConfigured(
                "SMS_PROVIDER is twilio: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
            )
        if not self.from_number and not self.messaging_service_sid:
            raise ImproperlyConfigured(
                "SMS_PROVIDER is twilio: set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
            )
        self.http = _NoRetryHttpClient(timeout=timeout)
        # Passing every value stops the SDK reading TWILIO_* from the environment by itself.
        self.client = Client(
            self.account_sid, auth_token, account_sid=self.account_sid, http_client=self.http
        )
        if base_url:
            # The SDK builds every Messages URL from its "api" domain's base URL.
            self.client.api.base_url = base_url.rstrip("/")

    # --- The Provider interface ---------------------------------------------------------------

    def send(self, *, reference: str, number: str, body: str) -> SendResult:
        sender = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number}
        )
        record = self._call(
            lambda: self.client.messages.create(
                to=number, body=body, status_callback=status_callback_url(reference), **sender
            ),
            number=number,
        )
        return SendResult(provider_id=record.sid, status=Message.Status.SENT)

    def find_sent(self, reference: str) -> SendResult | None:
        message = (
            Message.objects.filter(reference=reference)
            .only("pk", "number", "body", "created_at")
            .first()
        )
        if message is None:
            return None
        since = message.created_at - CLOCK_SKEW
        # A Twilio text another of our messages already holds cannot be this one's.
        claimed = set(
            Message.objects.filter(
                provider=self.name, number=message.number, created_at__gte=since - CLOCK_SKEW
            )
            .exclude(pk=message.pk)
            .exclude(provider_id="")
            .values_list("provider_id", flat=True)
        )
        # No DateSent filter: a text still queued at Twilio has no date_sent yet.
        records = self._call(
            lambda: self.client.messages.list(
                to=message.number,
                from_=self.from_number if not self.messaging_service_sid else values.unset,
                limit=FIND_SENT_LOOKBACK,
            )
        )
        matches = [
            record
            for record in records
            if (record.direction or "").startswith("outbound")
            and record.body == message.body
            and isinstance(record.date_created, datetime)
            and record.date_created >= since
            and record.sid not in claimed
            and (
                not self.messaging_service_sid
                or record.messaging_service_sid == self.messaging_service_sid
            )
        ]
        if not matches:
            return None
        first = min(matches, key=lambda record: (record.date_created, record.sid))
        return SendResult(provider_id=first.sid, status=Message.Status.SENT)

    def fetch_status(self, provider_id: str) -> StatusUpdate | None:
        record = self._call(lambda: self.client.messages(provider_id).fetch(), missing_ok=True)
        if record is None:
            return None  # Twilio does not know it
        return status_update(
            provider_id=record.sid,
            status=record.status,
            error_code=record.error_code,
            error_message=record.error_message,
            occurred_at=record.date_updated if isinstance(record.date_updated, datetime) else None,
        )

    def fetch_inbound(self) -> list[InboundSms]:
        since = (timezone.now() - INBOUND_LOOKBACK).astimezone(UTC)
        records = self._call(
            lambda: self.client.messages.list(
                to=self.from_number or values.unset,
                date_sent_after=since,
                limit=INBOUND_LIMIT,
            )
        )
        records = [
            record
            for record in records
            # Not our own texts, nor channels other than SMS.
            if record.direction == "inbound" and (record.from_ or "").startswith("+")
        ]
        # The sweep asks every minute: leave out what we already hold.
        held = set(
            Message.objects.filter(
                provider=self.name, provider_id__in=[record.sid for record in records]
            ).values_list("provider_id", flat=True)
        )
        received = []
        for record in records:
            if record.sid in held:
                continue
            when = record.date_sent if isinstance(record.date_sent, datetime) else None
            received.append(
                InboundSms(
                    provider_id=record.sid,
                    number=record.from_,
                    body=record.body or "",
                    received_at=when or timezone.now(),
                )
            )
        return received

    # --- Errors -------------------------------------------------------------------------------

    def _call(self, request, *, number: str = "", missing_ok: bool = False):
        """Make one request to Twilio and turn what can go wrong into our three errors.

        With missing_ok, a 404 answers None.
        """
        try:
            return request()
        except requests.Timeout as error:
            raise TemporaryError("Twilio did not answer in time") from error
        except requests.RequestException as error:
            raise TemporaryError(f"Could not reach Twilio: {type(error).__name__}") from error
        except TwilioException as error:
            if missing_ok and _error_details(error)[0] == 404:
                return None
            raise self._translate(error, number) from error
        except ValueError as error:  # a 2xx answer that is not the JSON Twilio sends
            raise TemporaryError("Twilio's answer could not be read") from error

    def _translate(self, error: TwilioException, number: str) -> Exception:
        status, code, words = _error_details(error)
        if status == 429 or code == 20429:
            return RateLimited("Twilio asked us to slow down", retry_after=self.http.retry_after())
        if status is None or status >= 500:
            return TemporaryError(f"Twilio had a problem (HTTP {status or 'error'})")
        return PermanentError(_plain_message(status, code, words, number))


class _NoRetryHttpClient(TwilioHttpClient):
    """The SDK's client with retries off for every scheme, remembering the last answer's headers
    (a 429 may say how long to wait)."""

    def __init__(self, *, timeout: float):
        super().__init__(timeout=timeout, logger=sdk_log)
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, HTTPAdapter(max_retries=0))
        self.last_headers: dict = {}

    def request(self, *args, **kwargs) -> Response:
        self.last_headers = {}
        response = super().request(*args, **kwargs)
        self.last_headers = dict(response.headers or {})
        return response

    def retry_after(self) -> float | None:
        for name, value in self.last_headers.items():
            if name.lower() == "retry-after":
                try:
                    return max(0.0, float(value))
                except ValueError:
                    return None
        return None


def _error_details(error: TwilioException) -> tuple[int | None, int | None, str]:
    """HTTP status, Twilio error code and Twilio's words, whichever kind of error the SDK raised."""
    if isinstance(error, TwilioRestException):
        return error.status, _as_int(error.code), str(error.msg or "")
    if isinstance(error, TwilioServiceException):
        return error.status, _as_int(error.code), str(error.detail or error.title or "")
    # Reading a page of a list raises a bare TwilioException with the response attached.
    response = error.args[1] if len(error.args) > 1 else None
    if isinstance(response, Response):
        try:
            payload = json.loads(response.text)
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        return response.status_code, _as_int(payload.get("code")), str(payload.get("message", ""))
    return None, None, str(error)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shown(number: str) -> str:
    if not number:
        return "This number"
    try:
        return format_phone_for_display(number)
    except phonenumbers.NumberParseException:
        return number


def _plain_message(status: int, code: int | None, words: str, number: str) -> str:
    shown = _shown(number)
    if status in (401, 403) or code == 20003:
        return (
            "Twilio did not accept Doorstep's account details. "
            "Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
        )
    if code == 21211:
        return f"Twilio says {shown} is not a valid phone number (error 21211)"
    if code == 21610:
        return (
            f"{shown} has texted STOP to Twilio, so Twilio will not deliver texts to it until "
            "the resident texts START (error 21610). Doorstep keeps its own opt-out list too"
        )
    if code == 21614:
        return f"Twilio says {shown} is not a mobile number, so it cannot get texts (error 21614)"
    if code == 21408:
        return "The Twilio account is not allowed to text this country (error 21408)"
    if code == 21608:
        return (
            "The Twilio account is a trial: it can only text numbers verified in Twilio "
            "(error 21608)"
        )
    if code in (21212, 21606, 21659):
        return f"Twilio will not send from TWILIO_FROM_NUMBER (error {code})"
    if code == 21617:
        return "The text is longer than Twilio's limit of 1,600 characters (error 21617)"
    if status == 404:
        return "Twilio does not know that text (error 20404)"
    reason = f": {words}" if words else ""
    return f"Twilio refused the text{reason} (error {code or status})"


def status_callback_url(reference: str) -> str:
    """Where Twilio reports on one text: the reference says which of ours it is."""
    return f"{settings.PUBLIC_BASE_URL}{reverse('callbacks:twilio_status')}?reference={reference}"


def status_update(
    *,
    provider_id: str,
    status: str | None,
    error_code=None,
    error_message: str | None = "",
    reference: str = "",
    occurred_at: datetime | None = None,
) -> StatusUpdate | None:
    """A Twilio message status as ours, or None for one that says nothing about delivery.

    queued/accepted/scheduled/sending/sent -> sent; delivered/read -> delivered;
    undelivered -> permanent-failure for a number that cannot get texts (PERMANENT_CODES),
    technical-failure for a problem on the sending side (TECHNICAL_CODES), otherwise
    temporary-failure (e.g. 30003, phone off); failed -> permanent-failure for a number that
    cannot get texts, otherwise technical-failure; canceled -> technical-failure.
    """
    status = (status or "").lower()
    code = _as_int(error_code)
    if status in IN_FLIGHT:
        ours = Message.Status.SENT
    elif status in DELIVERED:
        ours = Message.Status.DELIVERED
    elif status == "undelivered":
        if code in PERMANENT_CODES:
            ours = Message.Status.PERMANENT_FAILURE
        elif code in TECHNICAL_CODES:
            ours = Message.Status.TECHNICAL_FAILURE
        else:
            ours = Message.Status.TEMPORARY_FAILURE
    elif status == "failed":
        if code in PERMANENT_CODES:
            ours = Message.Status.PERMANENT_FAILURE
        else:
            ours = Message.Status.TECHNICAL_FAILURE
    elif status == "canceled":
        ours = Message.Status.TECHNICAL_FAILURE
    else:
        return None
    detail = ""
    if ours not in (Message.Status.SENT, Message.Status.DELIVERED):
        words = (
            PERMANENT_CODES.get(code)
            or TECHNICAL_CODES.get(code)
            or OTHER_CODES.get(code)
            or (error_message or "")
            or ("Cancelled in Twilio" if status == "canceled" else "")
        )
        detail = f"{words} (Twilio error {code})" if code else words
    return StatusUpdate(
        provider_id=provider_id,
        status=ours,
        reference=reference,
        occurred_at=occurred_at,
        detail=detail,
    )


def inbound_sms(params) -> InboundSms | None:
    """A text from Twilio's incoming-message webhook, or None if it is not an SMS we can use."""
    sid = (params.get("MessageSid") or params.get("SmsMessageSid") or "").strip()
    number = (params.get("From") or "").strip()
    if not sid or not number.startswith("+"):
        return None
    return InboundSms(
        provider_id=sid,
        number=number,
        body=params.get("Body") or "",
        received_at=timezone.now(),
    )
