"""GOV.UK Notify's callbacks: delivery receipts and received texts.

Notify posts JSON with `Authorization: Bearer <token>`, the token set on its API integration page
and in NOTIFY_CALLBACK_TOKEN. Anything without that token is refused before it is read. Notify
retries a failed callback (every 5 minutes, 5 times), so a repeat must be harmless: the services
ignore a status that does not move forward and a text they already hold.
"""

import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from .. import services
from ..providers import notify
from .callback_view import provider_callback

log = logging.getLogger(__name__)


def _has_token(request: HttpRequest) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    if not expected:
        return False  # not configured: refuse everything rather than accept anyone
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _read_json(request: HttpRequest):
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return None


def _refused() -> HttpResponse:
    return JsonResponse({"error": "Missing or wrong bearer token"}, status=403)


def _bad_request(message: str) -> HttpResponse:
    return JsonResponse({"error": message}, status=400)


def _read(request: HttpRequest, parse) -> tuple[object, object, HttpResponse | None]:
    """Check the token, read the JSON Notify posted and `parse` it with the provider.

    Returns (payload, parsed, None), or (None, None, the response refusing the request).
    """
    if not _has_token(request):
        return None, None, _refused()
    payload = _read_json(request)
    if payload is None:
        return None, None, _bad_request("The body must be JSON")
    try:
        return payload, parse(payload), None
    except ValueError as error:
        return None, None, _bad_request(str(error))


@provider_callback
def delivery_receipt(request: HttpRequest) -> HttpResponse:
    payload, update, refusal = _read(request, notify.delivery_receipt)
    if refusal is not None:
        return refusal
    if update is None:
        log.info("Ignored Notify status %r for %s", payload.get("status"), payload.get("id"))
    else:
        services.record_status(provider_name=notify.NotifyProvider.name, update=update)
    return HttpResponse(status=200)


@provider_callback
def received_text(request: HttpRequest) -> HttpResponse:
    _, inbound, refusal = _read(request, notify.received_text)
    if refusal is not None:
        return refusal
    services.receive_message(provider_name=notify.NotifyProvider.name, inbound=inbound)
    return HttpResponse(status=200)
