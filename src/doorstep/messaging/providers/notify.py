"""GOV.UK Notify, through its Python client (`notifications-python-client`).

Doorstep writes the whole text itself, so Notify is given one template whose body is a single
placeholder, ((body)), and the rendered text as that placeholder's value. Each text carries our
message reference, so a retry can ask Notify whether an earlier attempt was accepted, and is sent
from the service's inbound number (NOTIFY_SMS_SENDER_ID) so residents can reply.

The client makes one HTTP request per call and never retries: `services.deliver_message` does,
after `find_sent`. Notify's errors become TemporaryError (timeouts, connection errors, 5xx),
RateLimited (429) or PermanentError (400, 403: Notify's own words, shown to the officer).

Notify does nothing with STOP: Doorstep keeps its own list of numbers that opted out.
"""

import logging
from datetime import UTC, datetime

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from requests.adapters import HTTPAdapter

from doorstep.core.validators import normalise_phone

from ..models import Message
from .base import (
    InboundSms,
    PermanentError,
    ProviderError,
    RateLimited,
    SendResult,
    StatusUpdate,
    TemporaryError,
    is_uuid,
)

log = logging.getLogger(__name__)

# The placeholder in the Notify template: its whole body is "((body))".
PERSONALISATION_KEY = "body"
# Seconds to wait for Notify before giving up on a request (a retry asks find_sent first).
TIMEOUT_SECONDS = 10.0
# Notify's pages of received texts hold up to 250; it keeps them for 7 days.
MAX_INBOUND_PAGES = 20

# Notify's text message statuses, as ours. Created, sending and pending all mean "Notify has it,
# no final word yet", which for us is "sent"; Notify's own "sent" is an international text whose
# network gives no delivery report.
STATUSES = {
    "created": Message.Status.SENT,
    "sending": Message.Status.SENT,
    "pending": Message.Status.SENT,
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "permanent-failure": Message.Status.PERMANENT_FAILURE,
    "temporary-failure": Message.Status.TEMPORARY_FAILURE,
    "technical-failure": Message.Status.TECHNICAL_FAILURE,
}


class NotifyProvider:
    name = "notify"
    # Notify allows 3,000 messages a minute per type of API key.
    default_rate_per_minute = 3000

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        template_id: str | None = None,
        sms_sender_id: str | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ):
        api_key = settings.NOTIFY_API_KEY if api_key is None else api_key
        self.template_id = settings.NOTIFY_TEMPLATE_ID if template_id is None else template_id
        self.sms_sender_id = (
            settings.NOTIFY_SMS_SENDER_ID if sms_sender_id is None else sms_sender_id
        )
        check_api_key(api_key)
        if not self.template_id:
            raise ImproperlyConfigured(
                "Set NOTIFY_TEMPLATE_ID to the id of the Notify template whose body is ((body))"
            )
        self.client = NotificationsAPIClient(
            api_key, base_url=base_url or settings.NOTIFY_BASE_URL, timeout=timeout
        )
        # One attempt per call, whatever requests' defaults become: retrying is Doorstep's job.
        no_retries = HTTPAdapter(max_retries=0)
        self.client.request_session.mount("https://", no_retries)
        self.client.request_session.mount("http://", no_retries)

    def send(self, *, reference: str, number: str, body: str) -> SendResult:
        try:
            response = self.client.send_sms_notification(
                phone_number=number,
                template_id=self.template_id,
                personalisation={PERSONALISATION_KEY: body},
                reference=reference,
                sms_sender_id=self.sms_sender_id or None,
            )
            return SendResult(provider_id=str(response["id"]))
        except APIError as error:
            raise provider_error(error) from error
        except (KeyError, TypeError) as error:
            # Accepted but unreadable: the retry's find_sent will tell whether Notify has it.
            raise TemporaryError("GOV.UK Notify gave an answer Doorstep could not read") from error

    def find_sent(self, reference: str) -> SendResult | None:
        try:
            response = self.client.get_all_notifications(reference=reference, template_type="sms")
        except APIError as error:
            raise provider_error(error) from error
        for notification in response.get("notifications") or []:
            if notification.get("reference") == reference:
                return SendResult(provider_id=str(notification["id"]))
        return None

    def fetch_status(self, provider_id: str) -> StatusUpdate | None:
        try:
            notification = self.client.get_notification_by_id(provider_id)
        except APIError as error:
            if error.status_code == 404:
                return None  # older than Notify's 7 days, or never there
            raise provider_error(error) from error
        status = STATUSES.get(notification.get("status", ""))
        if status is None:
            return None
        return StatusUpdate(
            provider_id=str(notification["id"]),
            status=status,
            reference=notification.get("reference") or "",
            occurred_at=parse_time(notification.get("completed_at")),
        )

    def fetch_inbound(self) -> list[InboundSms]:
        """Texts Notify holds that Doorstep has not stored yet, newest first.

        Pages back (older_than) until a page holds nothing new, so one sweep catches up after
        callbacks were lost, and a quiet minute costs one request and one query.
        """
        texts: list[InboundSms] = []
        older_than = None
        for _ in range(MAX_INBOUND_PAGES):
            try:
                page = self.client.get_received_texts(older_than=older_than)
            except APIError as error:
                raise provider_error(error) from error
            items = page.get("received_text_messages") or []
            if not items:
                break
            ids = [str(item["id"]) for item in items]
            known = set(
                Message.objects.filter(provider=self.name, provider_id__in=ids).values_list(
                    "provider_id", flat=True
                )
            )
            new = [item for item in items if str(item["id"]) not in known]
            if not new:
                break
            for item in new:
                try:
                    texts.append(
                        InboundSms(
                            provider_id=str(item["id"]),
                            number=to_e164(item["user_number"]),
                            body=item.get("content") or "",
                            received_at=parse_time(item.get("created_at")) or timezone.now(),
                        )
                    )
                except (KeyError, TypeError):
                    log.warning(
                        "Skipped a received text Notify described oddly: %s", item.get("id")
                    )
            if not (page.get("links") or {}).get("next"):
                break
            older_than = ids[-1]
        return texts


# --- Callbacks (views/callbacks_notify.py) ---------------------------------------------------


def delivery_receipt(payload) -> StatusUpdate | None:
    """A delivery receipt callback as a StatusUpdate; None for a status we do not track.

    Raises ValueError when the JSON is not a receipt at all.
    """
    if not isinstance(payload, dict) or not payload.get("id") or not payload.get("status"):
        raise ValueError("A delivery receipt needs an id and a status")
    status = STATUSES.get(payload["status"])
    if status is None:
        return None
    return StatusUpdate(
        provider_id=str(payload["id"]),
        status=status,
        reference=str(payload.get("reference") or ""),
        occurred_at=parse_time(payload.get("completed_at")),
    )


def received_text(payload) -> InboundSms:
    """A received text callback as an InboundSms. Raises ValueError when it is not one."""
    if not isinstance(payload, dict) or not payload.get("id") or not payload.get("source_number"):
        raise ValueError("A received text needs an id and a source_number")
    return InboundSms(
        provider_id=str(payload["id"]),
        number=to_e164(str(payload["source_number"])),
        body=str(payload.get("message") or ""),
        received_at=parse_time(payload.get("date_received")) or timezone.now(),
    )


# --- Helpers ---------------------------------------------------------------------------------


def check_api_key(api_key: str) -> None:
    """Notify's keys read `{key name}-{service id}-{secret}`; the client slices them blindly."""
    service_id, secret = api_key[-73:-37], api_key[-36:]
    if len(api_key) < 74 or api_key[-37] != "-" or not (is_uuid(service_id) and is_uuid(secret)):
        raise ImproperlyConfigured(
            "NOTIFY_API_KEY must be a whole GOV.UK Notify API key: the key's name, then the "
            "service id and the secret, joined by hyphens"
        )


def provider_error(error: APIError) -> ProviderError:
    """Notify's answer as a TemporaryError, RateLimited or PermanentError."""
    response = error.response
    if response is None:
        timed_out = isinstance(error.__cause__, requests.Timeout)
        detail = "it did not answer in time" if timed_out else "could not connect"
        return TemporaryError(f"Could not reach GOV.UK Notify: {detail}")
    status = error.status_code
    message = notify_message(error)
    if status == 429:
        return RateLimited(
            f"GOV.UK Notify asked us to slow down: {message}",
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    if status >= 500:
        return TemporaryError(f"GOV.UK Notify had a problem ({status}): {message}")
    if status == 403:
        return PermanentError(
            f"GOV.UK Notify did not accept Doorstep's API key: {message}. An administrator "
            "needs to check NOTIFY_API_KEY"
        )
    return PermanentError(f"GOV.UK Notify did not send the text: {message}")


def notify_message(error: APIError) -> str:
    """The messages in Notify's error body: {"status_code": 400, "errors": [{"message": ...}]}."""
    found = error.message
    if isinstance(found, list):
        parts = [str(item.get("message", "")) for item in found if isinstance(item, dict)]
        found = "; ".join(part for part in parts if part)
    return str(found or "no reason given").rstrip(".")


def to_e164(number: str) -> str:
    """Notify gives numbers without the plus ("447700900123"); ours are E.164."""
    text = number.strip()
    candidates = [text]
    if text.isdigit() and not text.startswith("0"):
        candidates.insert(0, f"+{text}")
    for candidate in candidates:
        try:
            return normalise_phone(candidate)
        except ValidationError:
            continue
    # Not a number we can read (a short code, say): keep it as given, so a reply can still land.
    return candidates[0][:20]


def parse_time(value) -> datetime | None:
    """Notify's times are UTC: "2017-05-14T12:15:30.000000Z" or "2024-05-17 15:58:38.342838"."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None
