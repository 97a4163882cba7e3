"""The resident's document link: its token, its state, and this browser's right to use it.

A random token goes out in the text; only its SHA-256 is stored, so a copy of the database
cannot open links. Every page looks the link up by its hash. An unknown link is a plain 404 (no
hint whether it ever existed), and each one counts against the visitor's address: after
EVIDENCE_LINK_GUESS_LIMIT in 15 minutes every link answers 429 for a while. A known link first
asks for the resident's date of birth (`services.check_date_of_birth`); once confirmed, this
browser may use the link for EVIDENCE_LINK_SESSION_MINUTES (kept in its Django session).
"""

import datetime
import re
import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from doorstep.core import actors, audit, throttle, tokens
from doorstep.core.tokens import hash_token

from .models import EvidenceRequest

TOKEN_BYTES = 24  # 192 bits, 32 characters in the link
DOB_TRIES = 3
LOCK_MINUTES = 30
GUESS_WINDOW_SECONDS = 15 * 60
# Who the audit log names when the resident acts through their link.
RESIDENT_ACTOR = "resident (document link)"

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def acting(actor):
    """Who the audit log names: the member of staff acting for the resident, else the resident
    through their link."""
    return actor if actors.is_staff(actor) else RESIDENT_ACTOR


def make_token() -> str:
    return tokens.new_token(TOKEN_BYTES)


def link_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("evidence:link", args=[token])


def find_request_by_token(token: str) -> EvidenceRequest | None:
    """The request a link opens, or None. Looked up by the token's hash, so the database
    compares hashes and how long a lookup takes says nothing about the token."""
    if not token or not _TOKEN_SHAPE.match(token):
        return None
    return (
        EvidenceRequest.objects.select_related("resident", "created_by", "team")
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_expiry(due_date: datetime.date) -> datetime.datetime:
    """Midnight at the end of the due date plus the grace period, local time."""
    last_day = due_date + datetime.timedelta(days=settings.EVIDENCE_LINK_GRACE_DAYS)
    return timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
    )


class LinkState:
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


def link_state(evidence_request: EvidenceRequest, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if evidence_request.status == EvidenceRequest.Status.COMPLETE:
        return LinkState.COMPLETE
    if evidence_request.status == EvidenceRequest.Status.CANCELLED:
        return LinkState.CANCELLED
    if evidence_request.link_revoked_at is not None:
        return LinkState.REVOKED
    if now >= evidence_request.link_expires_at:
        return LinkState.EXPIRED
    return LinkState.OPEN


def is_locked(evidence_request: EvidenceRequest, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return evidence_request.locked_until is not None and evidence_request.locked_until > now


# --- This browser's use of a link ------------------------------------------------------------


class TooManyGuesses(Exception):
    """This address tried too many unknown links lately."""


def _guess_key(request) -> str:
    return f"evidence:link-guesses:{audit.client_ip(request) or 'unknown'}"


def open_link(request, token: str) -> EvidenceRequest:
    """The request the link opens. Raises TooManyGuesses once this address has guessed too often,
    and Http404 for an unknown link (which counts as a guess)."""
    if throttle.reached(_guess_key(request), settings.EVIDENCE_LINK_GUESS_LIMIT):
        raise TooManyGuesses
    evidence_request = find_request_by_token(token)
    if evidence_request is None:
        throttle.count(_guess_key(request), GUESS_WINDOW_SECONDS)
        raise Http404
    return evidence_request


def _session_key(evidence_request: EvidenceRequest) -> str:
    return f"evidence-link:{evidence_request.pk}"


def is_granted(request, evidence_request: EvidenceRequest) -> bool:
    """Whether this browser confirmed the date of birth for this link, and not too long ago."""
    held = request.session.get(_session_key(evidence_request))
    return bool(
        held
        and held.get("link") == evidence_request.token_hash[:16]
        and held.get("until", 0) > time.time()
    )


def grant(request, evidence_request: EvidenceRequest) -> None:
    """Let this browser use the link for a while, once the date of birth is right."""
    request.session.cycle_key()  # a new session id once the date of birth is right
    request.session[_session_key(evidence_request)] = {
        "link": evidence_request.token_hash[:16],
        "until": time.time() + settings.EVIDENCE_LINK_SESSION_MINUTES * 60,
    }


def private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: never send it to another site, never let search engines in.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def resident_page(*, needs_confirmation: bool = True):
    """Public, never cached, no referrer outside the site, link looked up and checked.

    The view is called as view(request, token, evidence_request, ...).
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, token: str, *args, **kwargs):
            try:
                evidence_request = open_link(request, token)
            except TooManyGuesses:
                response = render(request, "evidence/resident/too_many.html", status=429)
                response["Retry-After"] = str(GUESS_WINDOW_SECONDS)
                return private(response)
            state = link_state(evidence_request)
            if state != LinkState.OPEN:
                return private(
                    render(
                        request,
                        "evidence/resident/closed.html",
                        {"state": state, "council": settings.COUNCIL_NAME},
                        status=410 if state in ("expired", "revoked", "cancelled") else 200,
                    )
                )
            if needs_confirmation and not is_granted(request, evidence_request):
                return private(redirect("evidence:link", token=token))
            return private(view(request, token, evidence_request, *args, **kwargs))

        return login_not_required(never_cache(wrapped))

    return decorate
