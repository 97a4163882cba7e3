"""Twilio's webhooks: message status callbacks and incoming texts.

Twilio signs each request with X-Twilio-Signature: an HMAC-SHA1, keyed with the account's auth
token, of the URL it called followed by the POST parameters. Every request is checked with the
SDK's RequestValidator before anything is read, in DEBUG too. The URL is rebuilt from
PUBLIC_BASE_URL, the address Twilio was given, not from this request: behind a proxy that ends
TLS the request arrives as http:// while Twilio signed https://. An unsigned or wrongly signed
request gets 403 and nothing is recorded; with no TWILIO_AUTH_TOKEN every request is refused.

Twilio retries a webhook that fails, so a repeat must be harmless: the services ignore a status
that does not move forward and a text they already hold (by its MessageSid).
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from .. import services
from ..providers import twilio as twilio_provider
from .callback_view import provider_callback

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"


def _is_signed_by_twilio(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    if not token:
        return False  # not configured: refuse everything rather than accept anyone
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    return RequestValidator(token).validate(url, request.POST, signature)


def _refused(request: HttpRequest) -> HttpResponse:
    log.warning("Refused a Twilio webhook to %s: missing or wrong signature", request.path)
    return HttpResponse(
        "Missing or wrong X-Twilio-Signature", status=403, content_type="text/plain"
    )


@provider_callback
def status(request: HttpRequest) -> HttpResponse:
    if not _is_signed_by_twilio(request):
        return _refused(request)
    sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    if not sid:
        return HttpResponse("MessageSid is missing", status=400, content_type="text/plain")
    update = twilio_provider.status_update(
        provider_id=sid,
        status=request.POST.get("MessageStatus") or request.POST.get("SmsStatus"),
        error_code=request.POST.get("ErrorCode"),
        error_message=request.POST.get("ErrorMessage", ""),
        reference=request.GET.get("reference", ""),
    )
    if update is not None:
        services.record_status(provider_name=twilio_provider.TwilioProvider.name, update=update)
    return HttpResponse(status=204)


@provider_callback
def inbound(request: HttpRequest) -> HttpResponse:
    if not _is_signed_by_twilio(request):
        return _refused(request)
    text = twilio_provider.inbound_sms(request.POST)
    if text is None:
        return HttpResponse("MessageSid and From are needed", status=400, content_type="text/plain")
    services.receive_message(provider_name=twilio_provider.TwilioProvider.name, inbound=text)
    # No reply here: Doorstep's services send any answer (e.g. the opt-out confirmation).
    return HttpResponse(str(MessagingResponse()), content_type="text/xml")
