"""The resident's document link: the evidence kind of `core.resident_links` link.

The link is the request row itself (`EvidenceRequest.token_hash`, `link_expires_at`,
`link_revoked_at`); issuing, finding, stopping, the guess throttle per address and this
browser's session are core.resident_links'. What is evidence's own is here: the link works
while the request is open, until a few days after the due date, and its second factor is the
resident's date of birth, whose wrong answers are counted on the request row, so a cache clear
does not reset them: 3 wrong in a row lock the link until an officer sends a new one.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import actors
from doorstep.core.changes import Timeline, record_change
from doorstep.core.resident_links import LinkKind, SecondFactor

from .models import EvidenceRequest

TOKEN_BYTES = 24  # 192 bits, 32 characters in the link
DOB_TRIES = 3
GUESS_WINDOW_SECONDS = 15 * 60
# Who the audit log names when the resident acts through their link.
RESIDENT_ACTOR = "resident (document link)"


def acting(actor):
    """Who the audit log names: the member of staff acting for the resident, else the resident
    through their link."""
    return actor if actors.is_staff(actor) else RESIDENT_ACTOR


def link_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("evidence:link", args=[token])


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


def is_locked(evidence_request: EvidenceRequest) -> bool:
    """Locked by wrong dates of birth: only a new link (`services.new_link`) opens it again."""
    return evidence_request.locked_at is not None


# --- The date of birth -----------------------------------------------------------------------


@dataclass(frozen=True)
class DobCheck:
    ok: bool
    locked: bool = False
    tries_left: int = DOB_TRIES


def _record_check(locked: EvidenceRequest, action: str, summary: str, *, request, timeline=None):
    record_change(
        actor=RESIDENT_ACTOR,
        action=action,
        object_type="evidence_request",
        object_id=locked.pk,
        resident_id=locked.resident_id,
        summary=summary,
        request=request,
        timeline_event=timeline,
    )


def _lock_event(locked: EvidenceRequest) -> Timeline:
    return Timeline(
        kind="evidence",
        summary=f"Document link locked after {DOB_TRIES} wrong dates of birth: "
        "text a new link to open it again",
        source=locked,
        url=reverse("evidence:request", args=[locked.pk]),
    )


@transaction.atomic
def check_date_of_birth(
    *, evidence_request: EvidenceRequest, date_of_birth: datetime.date, request=None
) -> DobCheck:
    """Compare the date the resident typed with their record; 3 wrong in a row lock the link
    until an officer sends a new one.

    Counted on the request row under a lock, so tries from several devices at once add up.
    A record with no date of birth never matches (fails closed).
    """
    locked = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    if is_locked(locked):
        return DobCheck(ok=False, locked=True, tries_left=0)
    expected = locked.resident.date_of_birth
    if expected is not None and expected == date_of_birth:
        locked.failed_checks = 0
        locked.save(update_fields=["failed_checks"])
        _record_check(locked, "open", "Date of birth confirmed", request=request)
        _copy_check(locked, evidence_request)
        return DobCheck(ok=True)
    locked.failed_checks += 1
    if locked.failed_checks >= DOB_TRIES:
        locked.locked_at = timezone.now()
    locked.save(update_fields=["failed_checks", "locked_at"])
    if is_locked(locked):
        _record_check(
            locked,
            "check_failed",
            f"Locked after {DOB_TRIES} wrong dates of birth, until a new link is sent",
            request=request,
            timeline=_lock_event(locked),
        )
    else:
        _record_check(
            locked,
            "check_failed",
            f"Wrong date of birth ({locked.failed_checks} of {DOB_TRIES})",
            request=request,
        )
    _copy_check(locked, evidence_request)
    return DobCheck(
        ok=False,
        locked=is_locked(locked),
        tries_left=max(0, DOB_TRIES - locked.failed_checks),
    )


def _copy_check(source: EvidenceRequest, target: EvidenceRequest) -> None:
    target.failed_checks = source.failed_checks
    target.locked_at = source.locked_at


def _check_answer(
    evidence_request: EvidenceRequest, answer: datetime.date, request: HttpRequest | None
) -> DobCheck:
    return check_date_of_birth(
        evidence_request=evidence_request, date_of_birth=answer, request=request
    )


def _is_open_request(evidence_request: EvidenceRequest) -> bool:
    return evidence_request.status == EvidenceRequest.Status.OPEN


# The texted link to send documents: opened with the resident's date of birth.
LINK = LinkKind(
    name="evidence",
    model=EvidenceRequest,
    session_prefix="evidence-link:",
    session_minutes="EVIDENCE_LINK_SESSION_MINUTES",
    guess_limit="EVIDENCE_LINK_GUESS_LIMIT",
    guess_window_seconds=GUESS_WINDOW_SECONDS,
    token_bytes=TOKEN_BYTES,
    token_pattern=r"[A-Za-z0-9_-]{20,64}",  # noqa: S106 (a shape, not a secret)
    expires_field="link_expires_at",
    revoked_field="link_revoked_at",
    revoked_by_field="link_revoked_by",
    select_related=("resident", "created_by", "team"),
    usable=_is_open_request,
    second_factor=SecondFactor(url_name="evidence:link", check=_check_answer),
)
