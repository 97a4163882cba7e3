"""Bearer tokens for the API: one token per integration, only its SHA-256 kept."""

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

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


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiActor:
        from .services import authenticate_token

        api_token = authenticate_token(token=token)
        if api_token is None:
            raise InvalidToken
        return ApiActor(api_token)
