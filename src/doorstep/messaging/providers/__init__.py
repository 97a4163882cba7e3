"""SMS providers behind one interface. `get_provider()` returns the configured one."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import (
    InboundSms,
    PermanentError,
    Provider,
    ProviderError,
    RateLimited,
    SendResult,
    StatusUpdate,
    TemporaryError,
)

PROVIDERS = {
    "outbox": "doorstep.messaging.providers.outbox.OutboxProvider",
    "notify": "doorstep.messaging.providers.notify.NotifyProvider",
    "twilio": "doorstep.messaging.providers.twilio.TwilioProvider",
}


def get_provider(name: str | None = None) -> Provider:
    name = name or settings.SMS_PROVIDER
    if name not in PROVIDERS:
        raise ValueError(f"SMS_PROVIDER must be one of {', '.join(PROVIDERS)}, not {name!r}")
    return import_string(PROVIDERS[name])()


__all__ = [
    "InboundSms",
    "PermanentError",
    "Provider",
    "ProviderError",
    "RateLimited",
    "SendResult",
    "StatusUpdate",
    "TemporaryError",
    "get_provider",
]
