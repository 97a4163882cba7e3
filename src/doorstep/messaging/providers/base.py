"""The interface every SMS provider implements.

Doorstep renders the text itself; a provider only carries it. Providers never retry: the
messaging services do, after asking `find_sent(reference)` whether an earlier attempt was
accepted, so a timeout or a killed worker never sends the same text twice.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    # Some providers answer with a status straight away (e.g. Twilio's "queued").
    status: str = "sent"


@dataclass(frozen=True)
class StatusUpdate:
    provider_id: str
    # One of Message.Status's values: delivered, permanent-failure, temporary-failure,
    # technical-failure, or sent/sending when the provider has nothing final yet.
    status: str
    reference: str = ""
    occurred_at: datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
class InboundSms:
    provider_id: str
    number: str  # E.164
    body: str
    received_at: datetime


def is_uuid(text: str) -> bool:
    """True for a UUID, as Doorstep's references (and some providers' ids) are."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class ProviderError(Exception):
    """The provider did not accept the text."""


class TemporaryError(ProviderError):
    """Try again later: a timeout, a 5xx, a connection error."""


class RateLimited(TemporaryError):
    """The provider said 429: slow down."""

    def __init__(self, message: str = "Rate limited", retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(ProviderError):
    """Trying again will not help: a bad number, a bad key, a message the provider refuses."""


class Provider(Protocol):
    name: str
    # The fastest this provider lets us send, in texts a minute (None: no limit).
    default_rate_per_minute: float | None

    def send(self, *, reference: str, number: str, body: str) -> SendResult:
        """Hand one text to the provider. Raises TemporaryError, RateLimited or PermanentError."""

    def find_sent(self, reference: str) -> SendResult | None:
        """The provider's record of an earlier send with this reference, if it accepted one."""

    def fetch_status(self, provider_id: str) -> StatusUpdate | None:
        """Ask for the status of one text (the fallback when no callback came)."""

    def fetch_inbound(self) -> list[InboundSms]:
        """Texts received lately (the fallback when no callback came). May repeat old ones."""
