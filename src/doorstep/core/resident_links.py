"""Links texted to residents: the one place that issues, finds, stops and opens them.

A link is a row of some app's model holding the SHA-256 of a random token (the token itself is
only ever in the text), when it expires and when it was stopped. A `LinkKind` describes one such
model (field names, lifetime, how guesses are limited, how long a session lasts, and the second
factor a resident answers before anything personal shows: a texted one-time code, a date of
birth). Everything here takes the kind, so each app keeps its own model and pages.

Guessing is slowed with `core.throttle`: unknown tokens count against the visitor's address
(`core.clients.client_address`; past the limit every link answers "too many tries" for a
while), and, where the kind says so, wrong second-factor answers count against the link itself.
Each is counted before it is checked, atomically, so simultaneous requests cannot share a count. A right answer grants this browser a
session for that one link only, for a fixed time, under a new session id.

The token is in an address once: the first visit (from the text) holds the link in the
browser's session and continues at the same page with `CURRENT` in the token's place, so web
server logs and Referer headers of later pages never carry it.
"""

import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import actors, clients, throttle, tokens

Setting = int | str  # a number, or the name of a Django setting read at each use


def _value(setting: Setting) -> int:
    return getattr(settings, setting) if isinstance(setting, str) else setting


class Refusal(StrEnum):
    """Why a resident page refused to open; the kind's `refuse` callable words it."""

    TOO_MANY_GUESSES = "too_many_guesses"
    CLOSED = "closed"  # stopped, expired, or (per `usable`) finished
    NOT_HELD = "not_held"  # a token-free address, but this browser holds no link of the kind


class TooManyGuesses(Exception):
    """Too many wrong answers for this link or from this address: nothing was checked."""


@dataclass(frozen=True)
class SecondFactor:
    """What a resident answers before a link opens anything personal.

    `url_name` is the page that asks for it (its only argument is the token): pages that need a
    session send people without one there. `check(link, answer, request)` compares the answer
    and returns an object with a true or false `ok` (and whatever else the page needs to say).
    """

    url_name: str
    check: Callable[[models.Model, Any, HttpRequest | None], Any]


@dataclass(frozen=True)
class LinkKind:
    """One kind of resident link: which model holds it and how it behaves."""

    name: str  # starts the throttle keys, e.g. "plans"
    model: type[models.Model]
    session_prefix: str  # the session key is this and the link's primary key
    session_minutes: Setting
    guess_limit: Setting  # unknown tokens from one address within the window
    guess_window_seconds: int = 3600
    link_guess_limit: Setting | None = None  # wrong second-factor answers on one link; None: off
    lifetime_days: Setting | None = None  # None: `issue` must be given `expires_at`
    token_bytes: int = 24
    token_pattern: str = r"[A-Za-z0-9_-]{16,100}"  # noqa: S105 (a shape, not a secret)
    token_field: str = "token_hash"  # noqa: S105 (a field name)
    expires_field: str = "expires_at"
    revoked_field: str = "revoked_at"
    revoked_by_field: str | None = "revoked_by"
    select_related: tuple[str, ...] = ()
    usable: Callable[[models.Model], bool] | None = None  # a further condition to stay open
    second_factor: SecondFactor | None = None
    private_headers: bool = True  # no index, no referrer outside the site, on every page

    def looks_like_token(self, token: str) -> bool:
        return bool(token) and re.fullmatch(self.token_pattern, token) is not None


class Issued(NamedTuple):
    link: models.Model
    token: str  # for the text only: never stored, never shown to staff


# --- Issuing, finding, stopping -------------------------------------------------------------


def _expiry(kind: LinkKind, expires_at: datetime.datetime | None) -> datetime.datetime:
    if expires_at is not None:
        return expires_at
    if kind.lifetime_days is None:
        raise ValueError(f"{kind.name} links have no set lifetime: give expires_at")
    return timezone.now() + datetime.timedelta(days=_value(kind.lifetime_days))


def issue(kind: LinkKind, *, expires_at: datetime.datetime | None = None, **fields) -> Issued:
    """Make a new link row with a fresh token; `fields` are the model's other fields."""
    token = tokens.new_token(kind.token_bytes)
    fields[kind.token_field] = tokens.hash_token(token)
    fields[kind.expires_field] = _expiry(kind, expires_at)
    return Issued(link=kind.model.objects.create(**fields), token=token)


@transaction.atomic
def reissue(
    kind: LinkKind, link: models.Model, *, expires_at: datetime.datetime | None = None
) -> str:
    """Give an existing link row a new token (the old one stops working) and a new expiry, and
    start it again if it was stopped. Returns the token; `link` is updated in place."""
    token = tokens.new_token(kind.token_bytes)
    changed = {
        kind.token_field: tokens.hash_token(token),
        kind.expires_field: _expiry(kind, expires_at),
        kind.revoked_field: None,
    }
    if kind.revoked_by_field:
        changed[kind.revoked_by_field] = None
    kind.model.objects.filter(pk=link.pk).update(**changed)
    for name, value in changed.items():
        setattr(link, name, value)
    return token


def lookup(kind: LinkKind, token: str) -> models.Model | None:
    """The link this token opens, whether or not it still works; None if never issued.

    Looked up by the token's hash, so the database compares hashes and how long a lookup takes
    says nothing about the token.
    """
    if not kind.looks_like_token(token):
        return None
    found = kind.model.objects.filter(**{kind.token_field: tokens.hash_token(token)})
    if kind.select_related:
        found = found.select_related(*kind.select_related)
    return found.first()


def is_open(kind: LinkKind, link: models.Model, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        getattr(link, kind.revoked_field) is None
        and getattr(link, kind.expires_field) > now
        and (kind.usable is None or kind.usable(link))
    )


def find(kind: LinkKind, token: str) -> models.Model | None:
    """The link this token opens if it still works: None if unknown, expired or stopped."""
    link = lookup(kind, token)
    return link if link is not None and is_open(kind, link) else None


@transaction.atomic
def revoke(kind: LinkKind, link: models.Model, *, by=None) -> bool:
    """Stop the link at once; False if it had already stopped. `link` is updated in place."""
    locked = kind.model.objects.select_for_update().get(pk=link.pk)
    if getattr(locked, kind.revoked_field) is not None:
        return False
    changed = {kind.revoked_field: timezone.now()}
    if kind.revoked_by_field:
        changed[kind.revoked_by_field] = actors.staff_or_none(by)
    for name, value in changed.items():
        setattr(locked, name, value)
        setattr(link, name, value)
    locked.save(update_fields=list(changed))
    return True


# --- Guesses ------------------------------------------------------------------------------
#
# A guess is counted before it is checked (`core.throttle.attempt`), so a burst of requests can
# have no more than the limit checked; one that turns out not to be a guess (a known link, a
# right answer) is given back.


def _address_key(request: HttpRequest, kind: LinkKind) -> str:
    return f"{kind.name}:link-guesses:{clients.client_address(request) or 'unknown'}"


def _link_key(kind: LinkKind, link: models.Model) -> str:
    return f"{kind.name}:link-guesses:link-{link.pk}"


def _guess_key(request: HttpRequest, kind: LinkKind, link: models.Model | None) -> str | None:
    if link is None:
        return _address_key(request, kind)
    return _link_key(kind, link) if kind.link_guess_limit is not None else None


def start_guess(request: HttpRequest, kind: LinkKind, link: models.Model | None = None) -> bool:
    """Count a guess before checking it: a token against the address, or, given the link, an
    answer against that link (when the kind limits those). False when over the limit: then
    check nothing."""
    key = _guess_key(request, kind, link)
    if key is None:
        return True
    limit = _value(kind.guess_limit if link is None else kind.link_guess_limit)
    return throttle.attempt(key, limit=limit, window_seconds=kind.guess_window_seconds)


def not_a_guess(request: HttpRequest, kind: LinkKind, link: models.Model | None = None) -> None:
    """Give back what `start_guess` counted: the token was known, or the answer right."""
    if (key := _guess_key(request, kind, link)) is not None:
        throttle.refund(key)


def count_guess(request: HttpRequest, kind: LinkKind, link: models.Model | None = None) -> None:
    """Count a wrong guess without checking the limit (`start_guess` counts and checks)."""
    if (key := _guess_key(request, kind, link)) is not None:
        throttle.hit(key, window_seconds=kind.guess_window_seconds)


def guessing_blocked(
    request: HttpRequest, kind: LinkKind, link: models.Model | None = None
) -> bool:
    """Whether this address (and, given the link, that link) has used up its guesses lately.

    Counts nothing, so it only says whether to refuse early: what lets a guess be checked is
    `start_guess`."""
    if throttle.blocked(_address_key(request, kind), _value(kind.guess_limit)):
        return True
    return (
        link is not None
        and kind.link_guess_limit is not None
        and throttle.blocked(_link_key(kind, link), _value(kind.link_guess_limit))
    )


# --- Sessions -----------------------------------------------------------------------------


def _session_key(kind: LinkKind, link: models.Model) -> str:
    return f"{kind.session_prefix}{link.pk}"


def _fingerprint(kind: LinkKind, link: models.Model) -> str:
    # A session is for this token: a link given a new token needs the second factor again.
    return getattr(link, kind.token_field)[:16]


def grant_session(request: HttpRequest, kind: LinkKind, link: models.Model) -> None:
    """This browser may use this link (and no other) for the kind's session minutes."""
    # A new session id on success, so one planted before the answer is worth nothing.
    request.session.cycle_key()
    request.session[_session_key(kind, link)] = {
        "link": _fingerprint(kind, link),
        "until": int(time.time()) + _value(kind.session_minutes) * 60,
    }


def has_session(request: HttpRequest, kind: LinkKind, link: models.Model) -> bool:
    held = request.session.get(_session_key(kind, link))
    return (
        isinstance(held, dict)
        and held.get("link") == _fingerprint(kind, link)
        and held.get("until", 0) > time.time()
    )


def end_session(request: HttpRequest, kind: LinkKind, link: models.Model) -> None:
    request.session.pop(_session_key(kind, link), None)


def confirm(request: HttpRequest, kind: LinkKind, link: models.Model, answer) -> Any:
    """Check the resident's answer to the kind's second factor; when right, grant the session.

    Returns what the second factor's `check` returned. Raises TooManyGuesses, checking nothing,
    when the link has had too many wrong answers lately (kinds with `link_guess_limit`).
    """
    if kind.second_factor is None:
        raise ValueError(f"{kind.name} links have no second factor")
    if guessing_blocked(request, kind) or not start_guess(request, kind, link):
        raise TooManyGuesses
    result = kind.second_factor.check(link, answer, request)
    if result.ok:
        not_a_guess(request, kind, link)
        grant_session(request, kind, link)
    return result


# --- Holding the link: the token out of the address -------------------------------------
#
# The token is in the address only on the first visit, from the text: that request exchanges it
# for this browser's session and is sent on to the same page at a token-free address, with
# CURRENT in the token's place. Later pages, web server logs and Referer headers never carry it.

CURRENT = "current"  # in a page's address, stands for the link this browser holds


def _held_key(kind: LinkKind) -> str:
    return f"{kind.session_prefix}{CURRENT}"


def hold(request: HttpRequest, kind: LinkKind, link: models.Model) -> None:
    """This browser now reaches the link at CURRENT (one link of each kind: the latest)."""
    request.session[_held_key(kind)] = {"pk": link.pk, "link": _fingerprint(kind, link)}


def held(request: HttpRequest, kind: LinkKind) -> models.Model | None:
    """The link this browser holds, while its token is the one it was opened with."""
    holding = request.session.get(_held_key(kind))
    if not isinstance(holding, dict):
        return None
    found = kind.model.objects.filter(pk=holding.get("pk"))
    if kind.select_related:
        found = found.select_related(*kind.select_related)
    link = found.first()
    if link is None or _fingerprint(kind, link) != holding.get("link"):
        return None
    return link


def _token_free(request: HttpRequest, token: str) -> str | None:
    """This request's address with CURRENT for the token; None when the token is not in it."""
    address = request.get_full_path()
    segment = f"/{token}/"
    return address.replace(segment, f"/{CURRENT}/", 1) if segment in request.path else None


# --- Pages --------------------------------------------------------------------------------

Refuse = Callable[[HttpRequest, Refusal, models.Model | None], HttpResponse]


def _private(kind: LinkKind, response: HttpResponse) -> HttpResponse:
    if kind.private_headers:
        # No referrer outside the site (the first address holds the token), no search engines.
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _open(request: HttpRequest, kind: LinkKind, refuse: Refuse, token: str):
    """The link the address names (by token, or CURRENT for the one held), or a refusal."""
    if token == CURRENT:
        link = held(request, kind)
        return link if link is not None else refuse(request, Refusal.NOT_HELD, None)
    if not start_guess(request, kind):
        return refuse(request, Refusal.TOO_MANY_GUESSES, None)
    link = lookup(kind, token)
    if link is None:
        raise Http404
    not_a_guess(request, kind)
    return link


def resident_page(kind: LinkKind, *, refuse: Refuse, confirmed: bool = True):
    """Decorate a view `view(request, link, token, *args, **kwargs)` reached by a token.

    Public and never cached. An address that guessed too often is refused (TOO_MANY_GUESSES);
    an unknown token is a plain 404 with no hint, and counts as a guess; a link that no longer
    works is refused (CLOSED) and its session ended. A GET with the token in the address holds
    the link in this browser's session and redirects to the same page with CURRENT in its place;
    the view is then called with `token` CURRENT (so the addresses it makes carry no token), and
    a browser holding no link there is refused (NOT_HELD). With `confirmed` (and a kind with a
    second factor), a browser without a session for this link goes to the second factor's page.
    `refuse(request, refusal, link_or_None)` makes the refusal page.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, token: str, *args, **kwargs):
            link = _open(request, kind, refuse, token)
            if isinstance(link, HttpResponse):
                return link
            if not is_open(kind, link):
                end_session(request, kind, link)
                return refuse(request, Refusal.CLOSED, link)
            if token != CURRENT and request.method in ("GET", "HEAD"):
                if (address := _token_free(request, token)) is not None:
                    hold(request, kind, link)
                    return redirect(address)
            if confirmed and kind.second_factor and not has_session(request, kind, link):
                return redirect(kind.second_factor.url_name, token=token)
            return view(request, link, token, *args, **kwargs)

        @wraps(view)
        def private(request, token: str, *args, **kwargs):
            return _private(kind, wrapped(request, token, *args, **kwargs))

        return login_not_required(never_cache(private))

    return decorate
