"""Issuing and revoking API tokens, and the resident changes made through the API.

The resident functions wrap `residents.services` so that the API behaves like the officer
pages: the same validation, the same audit records, the same timeline events, with the
integration named as the one who did it.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit
from doorstep.core.models import TimelineEvent
from doorstep.core.tokens import hash_token
from doorstep.residents import services as resident_services
from doorstep.residents.models import Resident

from .auth import DISPLAY_PREFIX_LENGTH, ApiActor, generate_token
from .models import ApiToken, Scope

# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


# --- Tokens ----------------------------------------------------------------------------------


def clean_scopes(scopes: Iterable[str] | None) -> list[str]:
    """The scopes to give a token, in the order of `Scope`; None means every scope.

    Unknown names are refused rather than dropped, so a typing mistake never gives a token
    less (or more) than its maker meant.
    """
    if scopes is None:
        return list(Scope.values)
    chosen = [str(scope).strip() for scope in scopes]
    unknown = sorted({scope for scope in chosen if scope not in Scope.values})
    if unknown:
        names = ", ".join(f"'{scope}'" for scope in unknown)
        known = ", ".join(Scope.values)
        raise ValidationError({"scopes": [f"There is no scope {names}. Choose from {known}"]})
    if not chosen:
        raise ValidationError({"scopes": ["Choose what the token may do"]})
    return [scope for scope in Scope.values if scope in chosen]


@transaction.atomic
def issue_token(
    *,
    actor,
    name: str,
    scopes: Iterable[str] | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for an integration; returns the token object and the token itself.

    `scopes` says what it may use (see `access.py`); without it the token gets every scope,
    as tokens had before scopes existed. The token is not kept anywhere, so the caller must
    show it once and then forget it.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Enter the name of the system that will use the token"]})
    if len(name) > 100:
        raise ValidationError({"name": ["The name must be 100 characters or fewer"]})
    granted = clean_scopes(scopes)
    raw = generate_token()
    token = ApiToken.objects.create(
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:DISPLAY_PREFIX_LENGTH],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        scopes=granted,
    )
    _record_token(
        actor=actor,
        token=token,
        detail=f"Issued a token for {name} ({token.prefix}…) with scopes {', '.join(granted)}",
        request=request,
    )
    return token, raw


def _record_token(*, actor, token: ApiToken, detail: str, request: HttpRequest | None) -> None:
    """Audit a change to a token: issuing or revoking it (no resident is involved)."""
    audit.record(
        actor=actor,
        action="token",
        object_type="api_token",
        object_id=token.pk,
        detail=detail,
        request=request,
    )


@transaction.atomic
def revoke_token(*, actor, token: ApiToken, request: HttpRequest | None = None) -> bool:
    """Stop a token working straight away; returns False if it was already revoked."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _record_token(
        actor=actor,
        token=token,
        detail=f"Revoked the token for {token.name} ({token.prefix}…)",
        request=request,
    )
    return True


def authenticate_token(*, token: str) -> ApiToken | None:
    """The live token matching what the caller sent, or None.

    Looking up the SHA-256 means no comparison of secrets happens in Python, so response
    times say nothing about how close a guess was.
    """
    token = (token or "").strip()
    if not token:
        return None
    api_token = ApiToken.objects.filter(token_hash=hash_token(token), revoked_at=None).first()
    if api_token is None:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        api_token.last_used_at = now
    return api_token


# --- Residents -------------------------------------------------------------------------------


def _note_api_on_timeline(*, resident_id: int, actor: ApiActor) -> None:
    """Say on the record event just written that the change came through the API.

    `timeline.add_event` keeps only staff accounts as actors, so without this the event
    would not say who made the change.
    """
    newest = (
        TimelineEvent.objects.filter(resident_id=resident_id, kind="record")
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    if newest is not None:
        TimelineEvent.objects.filter(pk=newest).update(
            body=f"Made through the API by {actor.token.name}"
        )


@transaction.atomic
def create_resident(
    *, actor: ApiActor, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Resident:
    resident = resident_services.create_resident(actor=actor, data=data, request=request)
    _note_api_on_timeline(resident_id=resident.pk, actor=actor)
    return resident


@transaction.atomic
def update_resident(
    *,
    actor: ApiActor,
    resident: Resident,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    changed = resident_services.update_resident(
        actor=actor, resident=resident, data=data, request=request
    )
    if changed:
        _note_api_on_timeline(resident_id=resident.pk, actor=actor)
    else:
        # Nothing changed, but the caller gets the record back: that is a read.
        resident_services.record_view(actor=actor, resident=resident, request=request)
    return changed


def record_view(
    *, actor: ApiActor, resident: Resident, detail: str = "", request: HttpRequest | None = None
) -> None:
    audit.record(
        actor=actor,
        action="view",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        detail=detail,
        request=request,
    )


def record_search(
    *, actor: ApiActor, results: list[Resident], request: HttpRequest | None = None
) -> None:
    """One record per search, like the officer search page; it lists the records returned."""
    ids = ", ".join(str(resident.pk) for resident in results)
    detail = f"{len(results)} result{'' if len(results) == 1 else 's'}"
    if ids:
        detail += f": {ids}"
    if len(detail) > 500:
        detail = detail[:497].rsplit(",", 1)[0] + " …"
    audit.record(
        actor=actor, action="search", object_type="resident", detail=detail, request=request
    )
