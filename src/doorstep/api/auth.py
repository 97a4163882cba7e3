"""Bearer tokens for the API: one token per integration, only its SHA-256 kept.

Which token may use which part of the API is decided in `access.py`.
"""

from dataclasses import dataclass

from ninja.errors import AuthenticationError

from doorstep.core import tokens

from .models import ApiToken

# A readable start makes a leaked token easy to recognise in logs and secret scanners.
TOKEN_PREFIX = "dst_"  # noqa: S105 (a public marker, not a secret)
# What the model keeps to recognise a token: "dst_" and the first 8 random characters.
DISPLAY_PREFIX_LENGTH = 12


def generate_token() -> str:
    return TOKEN_PREFIX + tokens.new_token(32)


@dataclass(frozen=True)
class ApiActor:
    """Who the audit log names for a change made through the API: the integration, not a person.

    Not a staff account, so `audit.record` keeps only the label and `timeline.add_event`
    leaves the event's actor empty.
    """

    token: ApiToken
    is_authenticated = False

    def __str__(self) -> str:
        return f"API: {self.token}"


class InvalidToken(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(message="The API token is not valid or has been revoked")


class ScopeRefused(Exception):
    """The token is valid but was not given the scope this operation needs (403)."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope
