"""Changes to a request's link: the date-of-birth check, stopping the link, a new link.

The resident confirms their date of birth before the page shows what is asked for (3 wrong
answers lock the link for 30 minutes, counted on the request row so a cache clear does not
reset them).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import actors, timeline
from doorstep.core.tokens import hash_token

from ..links import (
    DOB_TRIES,
    LOCK_MINUTES,
    RESIDENT_ACTOR,
    is_locked,
    link_expiry,
    link_url,
    make_token,
)
from ..models import EvidenceRequest
from .recording import on_timeline, page_url, record
from .reminders import schedule_reminders, stop_reminders
from .requests import SentLink, text_link

# A new link sent after the due date (a resend, a re-request) works at least this long.
RESENT_LINK_DAYS = 14

_LINK_FIELDS = (
    "token_hash",
    "link_expires_at",
    "link_revoked_at",
    "link_revoked_by",
    "failed_checks",
    "locked_until",
)


@dataclass(frozen=True)
class DobCheck:
    ok: bool
    locked_until: datetime.datetime | None = None
    tries_left: int = DOB_TRIES


@transaction.atomic
def check_date_of_birth(
    *, evidence_request: EvidenceRequest, date_of_birth: datetime.date, request=None
) -> DobCheck:
    """Compare the date the resident typed with their record; 3 wrong in a row lock the link.

    Counted on the request row under a lock, so tries from several devices at once add up.
    A record with no date of birth never matches (fails closed).
    """
    now = timezone.now()
    locked = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    if is_locked(locked, now):
        return DobCheck(ok=False, locked_until=locked.locked_until, tries_left=0)
    if locked.locked_until is not None:
        # The lock has run out: a fresh set of tries.
        locked.failed_checks = 0
        locked.locked_until = None
    expected = locked.resident.date_of_birth
    if expected is not None and expected == date_of_birth:
        locked.failed_checks = 0
        locked.save(update_fields=["failed_checks", "locked_until"])
        _audit_check(locked, "open", "Date of birth confirmed", request=request)
        _copy_fields(locked, evidence_request, ("failed_checks", "locked_until"))
        return DobCheck(ok=True)
    locked.failed_checks += 1
    if locked.failed_checks >= DOB_TRIES:
        locked.locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES)
    locked.save(update_fields=["failed_checks", "locked_until"])
    if locked.locked_until is not None:
        _audit_check(
            locked,
            "check_failed",
            f"Locked for {LOCK_MINUTES} minutes after {DOB_TRIES} wrong dates of birth",
            request=request,
            timeline=on_timeline(
                f"Document link locked for {LOCK_MINUTES} minutes after {DOB_TRIES} "
                "wrong dates of birth",
                source=locked,
            ),
        )
    else:
        _audit_check(
            locked,
            "check_failed",
            f"Wrong date of birth ({locked.failed_checks} of {DOB_TRIES})",
            request=request,
        )
    _copy_fields(locked, evidence_request, ("failed_checks", "locked_until"))
    return DobCheck(
        ok=False,
        locked_until=locked.locked_until,
        tries_left=max(0, DOB_TRIES - locked.failed_checks),
    )


def _audit_check(locked: EvidenceRequest, action: str, summary: str, **extra) -> None:
    record(locked, actor=RESIDENT_ACTOR, action=action, summary=summary, **extra)


def _copy_fields(source: EvidenceRequest, target: EvidenceRequest, names) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def revoke_link(*, evidence_request: EvidenceRequest, actor, request=None) -> None:
    """Stop the link working at once (e.g. sent to the wrong number). Reminders stop too."""
    locked = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    if locked.link_revoked_at is not None:
        return
    locked.link_revoked_at = timezone.now()
    locked.link_revoked_by = actors.staff_or_none(actor)
    locked.save(update_fields=["link_revoked_at", "link_revoked_by"])
    _copy_fields(locked, evidence_request, ("link_revoked_at", "link_revoked_by"))
    stop_reminders(locked)
    record(
        locked,
        actor=actor,
        action="revoke",
        summary="Document link revoked",
        request=request,
        timeline=on_timeline("Document link stopped: it no longer works", source=locked),
    )


@transaction.atomic
def new_link(*, evidence_request: EvidenceRequest, actor, request=None) -> str:
    """Replace the link with a new one (the old one stops working) and return its token.

    Used to resend a link and by a rejection that asks for a document again. The new link works
    until the due date plus the grace period, and at least RESENT_LINK_DAYS from now.
    """
    locked = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    if locked.status != EvidenceRequest.Status.OPEN:
        raise ValidationError("This request is finished: ask for documents again instead")
    token = make_token()
    locked.token_hash = hash_token(token)
    locked.link_expires_at = max(
        link_expiry(locked.due_date),
        timezone.now() + datetime.timedelta(days=RESENT_LINK_DAYS),
    )
    locked.link_revoked_at = None
    locked.link_revoked_by = None
    locked.failed_checks = 0
    locked.locked_until = None
    locked.save(update_fields=list(_LINK_FIELDS))
    _copy_fields(locked, evidence_request, _LINK_FIELDS)
    record(
        locked,
        actor=actor,
        action="new_link",
        summary="New document link made; the old one stopped working",
        request=request,
    )
    return token


@transaction.atomic
def resend_link(*, evidence_request: EvidenceRequest, actor, request=None) -> SentLink:
    """Text the resident a new link (the old one stops working) and restart the reminders."""
    token = new_link(evidence_request=evidence_request, actor=actor, request=request)
    sent = SentLink(evidence_request=evidence_request, token=token, link=link_url(token))
    text_link(sent, actor=actor, request=request, again=True)
    stop_reminders(evidence_request)
    schedule_reminders(evidence_request=evidence_request, token=token, actor=actor)
    timeline.add_event(
        resident_id=evidence_request.resident_id,
        kind="evidence",
        summary="New document link sent"
        if not sent.text_problem
        else "New document link made (not texted)",
        body=sent.text_problem,
        actor=actor,
        source=evidence_request,
        url=page_url(evidence_request),
    )
    return sent
