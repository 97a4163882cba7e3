"""Taking a document to review, and giving it back; the checks every review step shares.

A reviewer claims a document so two people don't review the same one; a claim left for
CLAIM_TIMEOUT (30 minutes) can be taken over. Every function locks the rows it changes
(request, then document) so two reviewers acting at once get one decision and a plain message,
never two.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import formats

from .. import access, queries
from ..models import EvidenceRequest, RequestedDocument
from ..recording import on_timeline, record


def staff_name(user) -> str:
    if user is None:
        return "Someone"
    return getattr(user, "full_name", "") or user.get_username()


def lock_for_review(document: RequestedDocument) -> tuple[EvidenceRequest, RequestedDocument]:
    """Lock the request, then the document (always in that order), and read them afresh."""
    evidence_request = (
        EvidenceRequest.objects.select_for_update()
        .select_related("resident")
        .get(pk=document.request_id)
    )
    locked = (
        RequestedDocument.objects.select_for_update(of=("self",))
        .select_related("document_type", "claimed_by", "decided_by")
        .get(pk=document.pk)
    )
    locked.request = evidence_request
    return evidence_request, locked


def check_open_for_review(document: RequestedDocument, actor, now) -> None:
    """Raise a plain message unless `actor` may decide or claim `document` now."""
    if not access.can_review(actor, document):
        raise PermissionDenied("You cannot review this document")
    if document.is_decided:
        verb = "accepted" if document.status == RequestedDocument.Status.ACCEPTED else "rejected"
        when = timezone.localtime(document.decided_at)
        raise ValidationError(
            f"This document was already {verb} by {staff_name(document.decided_by)} on "
            f"{formats.govuk_datetime(when)}. A decision is final: to see another copy, ask the "
            "resident for the document again",
            code="decided",
        )
    if document.status != RequestedDocument.Status.SUBMITTED:
        raise ValidationError(
            "The resident has not sent this document yet, so there is nothing to review",
            code="not_submitted",
        )
    if document.claimed_by_id not in (None, actor.pk) and queries.claim_is_fresh(document, now):
        until = timezone.localtime(document.claimed_at + queries.CLAIM_TIMEOUT)
        raise ValidationError(
            f"{staff_name(document.claimed_by)} is reviewing this document. You can take it "
            f"over if they have not finished by {formats.govuk_time(until)}",
            code="claimed",
        )


def record_document_change(
    *,
    actor,
    document: RequestedDocument,
    summary: str,
    body: str = "",
    action: str = "update",
    fields: Iterable[str] = (),
    request=None,
    event: dict | None = None,
) -> None:
    """The audit record and timeline event (and service event, if given) of a review step."""
    record(
        document,
        actor=actor,
        action=action,
        summary=summary,
        fields=fields,
        request=request,
        timeline=on_timeline(source=document, body=body),
        event=event,
    )


@transaction.atomic
def claim(*, actor, document: RequestedDocument, request=None) -> RequestedDocument:
    """Take the document to review; refused while someone else's claim is fresh."""
    now = timezone.now()
    _, document = lock_for_review(document)
    check_open_for_review(document, actor, now)
    previous = document.claimed_by if document.claimed_by_id not in (None, actor.pk) else None
    document.claimed_by = actor
    document.claimed_at = now
    document.save(update_fields=["claimed_by", "claimed_at"])
    summary = f"{staff_name(actor)} started reviewing the {formats.in_sentence(document.document_type.name)}"
    if previous is not None:
        summary += f", taking it over from {staff_name(previous)}"
    record_document_change(
        actor=actor,
        document=document,
        summary=summary,
        action="claim",
        fields=["claimed_by", "claimed_at"],
        request=request,
    )
    return document


@transaction.atomic
def release(*, actor, document: RequestedDocument, request=None) -> RequestedDocument:
    """Give the document back to the queue; only the reviewer holding it may."""
    _, document = lock_for_review(document)
    if document.claimed_by_id != actor.pk:
        raise ValidationError("You are not reviewing this document", code="not_claimed")
    if document.is_decided:
        raise ValidationError("This document has been decided already", code="decided")
    document.claimed_by = None
    document.claimed_at = None
    document.save(update_fields=["claimed_by", "claimed_at"])
    record_document_change(
        actor=actor,
        document=document,
        summary=(
            f"{staff_name(actor)} stopped reviewing the {formats.in_sentence(document.document_type.name)}"
        ),
        action="release",
        fields=["claimed_by", "claimed_at"],
        request=request,
    )
    return document
