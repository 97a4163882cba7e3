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
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import services
from ..providers import notify

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


def _payload(request: HttpRequest) -> tuple[object, HttpResponse | None]:
    """The JSON Notify posted, or the response refusing the request."""
    if not _has_token(request):
        return None, _refused()
    payload = _read_json(request)
    if payload is None:
        return None, _bad_request("The body must be JSON")
    return payload, None


@csrf_exempt
@login_not_required
@require_POST
def delivery_receipt(request: HttpRequest) -> HttpResponse:
    payload, refusal = _payload(request)
    if refusal is not None:
        return refusal
    try:
        update = notify.delivery_receipt(payload)
    except ValueError as error:
        return _bad_request(str(error))
    if update is None:
        log.info("Ignored Notify status %r for %s", payload.get("status"), payload.get("id"))
    else:
        services.record_status(provider_name=notify.NotifyProvider.name, update=update)
    return HttpResponse(status=200)


@csrf_exempt
@login_not_required
@require_POST
def received_text(request: HttpRequest) -> HttpResponse:
    payload, refusal = _payload(request)
    if refusal is not None:
        return refusal
    try:
        inbound = notify.received_text(payload)
    except ValueError as error:
        return _bad_request(str(error))
    services.receive_message(provider_name=notify.NotifyProvider.name, inbound=inbound)
    return HttpResponse(status=200)
