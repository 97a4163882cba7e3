"""Changes to a request's link: stopping it, a new link.

The date-of-birth check the resident answers before the page shows what is asked for is the
link's second factor, in links.py (re-exported here for the callers of `services`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import resident_links, timeline

from ..links import LINK, DobCheck, check_date_of_birth, link_expiry, link_url
from ..models import EvidenceRequest
from ..recording import on_timeline, page_url, record
from .reminders import schedule_reminders, stop_reminders
from .requests import SentLink, text_link

__all__ = ["RESENT_LINK_DAYS", "DobCheck", "check_date_of_birth", "new_link", "resend_link"]

# A new link sent after the due date (a resend, a re-request) works at least this long.
RESENT_LINK_DAYS = 14


@transaction.atomic
def revoke_link(*, evidence_request: EvidenceRequest, actor, request=None) -> None:
    """Stop the link working at once (e.g. sent to the wrong number). Reminders stop too."""
    if not resident_links.revoke(LINK, evidence_request, by=actor):
        return
    stop_reminders(evidence_request)
    record(
        evidence_request,
        actor=actor,
        action="revoke",
        summary="Document link revoked",
        request=request,
        timeline=on_timeline("Document link stopped: it no longer works", source=evidence_request),
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
    token = resident_links.reissue(
        LINK,
        evidence_request,
        expires_at=max(
            link_expiry(locked.due_date),
            timezone.now() + datetime.timedelta(days=RESENT_LINK_DAYS),
        ),
    )
    # A new link is a fresh start for the date of birth too: it lifts a lock.
    EvidenceRequest.objects.filter(pk=locked.pk).update(failed_checks=0, locked_at=None)
    evidence_request.failed_checks = 0
    evidence_request.locked_at = None
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
