"""Who may use which part of the API: every request's token is checked against a scope.

Each router is mounted in `api.py` with a `BearerToken` naming the scope it needs, so the
routes themselves carry no permission checks. Where one router both reads and writes (residents),
the HTTP method picks the scope: GET reads, anything else writes.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

from . import services
from .auth import ApiActor, InvalidToken, ScopeRefused
from .models import ApiToken, Scope

ALL_SCOPES: tuple[str, ...] = tuple(Scope.values)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_allows(token: ApiToken | None, scope: str) -> bool:
    """Whether a live token was given `scope`. Unknown scope names are never allowed."""
    if token is None or not token.is_active or scope not in ALL_SCOPES:
        return False
    return scope in (token.scopes or ())


def scope_needed(method: str, *, read: str, write: str) -> str:
    return read if method.upper() in READ_METHODS else write


class BearerToken(HttpBearer):
    """A token sent as `Authorization: Bearer …` that must hold the scope for this request.

    The class name is the security scheme's name in the OpenAPI schema.
    """

    openapi_description = (
        "A token issued by an Administrator. Each token holds scopes; each operation says which "
        "one it needs, and a token without it gets 403."
    )

    def __init__(self, scope: str, *, write_scope: str | None = None) -> None:
        super().__init__()
        for name in (scope, write_scope or scope):
            if name not in ALL_SCOPES:
                raise ValueError(f"Unknown API scope {name!r}")
        self.read_scope = Scope(scope).value
        self.write_scope = Scope(write_scope or scope).value

    def scope_for(self, request: HttpRequest) -> str:
        return scope_needed(request.method or "GET", read=self.read_scope, write=self.write_scope)

    def authenticate(self, request: HttpRequest, token: str) -> ApiActor:
        api_token = services.authenticate_token(token=token)
        if api_token is None:
            raise InvalidToken
        scope = self.scope_for(request)
        if not token_allows(api_token, scope):
            raise ScopeRefused(scope)
        return ApiActor(api_token)
