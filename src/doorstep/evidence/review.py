"""Reviewing documents: claiming, accepting and rejecting them, and completing requests.

A reviewer claims a document so two people don't review the same one; a claim left for
CLAIM_TIMEOUT (30 minutes) can be taken over. A decision is final: a decided document is never
decided again. A rejection asks for the document again as a new RequestedDocument
(`replaces=`) in the same request and texts the resident the reason with a fresh link. When
every document in a request is accepted the request is complete.

Every function locks the rows it changes (request, then document) so two reviewers acting at
once get one decision and a plain message, never two.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from doorstep.core import audit, service_events, timeline
from doorstep.messaging import services as messaging
from doorstep.messaging.models import Message
from doorstep.reporting import survey

from . import kinds, queries, retention
from .models import EvidenceRequest, RequestedDocument, UploadedFile

SERVICE = "evidence_request"

# What the reviewer confirms before accepting; all three are required.
CHECKLIST = (
    ("right_document", "It is the document we asked for, and it is the resident's"),
    ("readable", "I can read all of it"),
    ("complete", "It is complete: no pages or parts are missing"),
)

# Reasons a reviewer can choose; the words are texted to the resident as they are.
REJECTION_REASONS = (
    ("wrong_document", "It is not the document we asked for."),
    ("unreadable", "We could not read it. The photo may be blurred, too dark or cut off."),
    ("incomplete", "Some pages or parts are missing. Send every page."),
    ("out_of_date", "It is too old or has run out. Send a newer one."),
    ("wrong_name", "It does not show your name."),
    ("could_not_open", "We could not open the file safely. Send a photo or PDF of it."),
)
REASON_MAX_LENGTH = 300

# A document asked for again gives the resident at least this long to send it.
RESEND_DAYS = 7

REJECTION_TEXT = (
    "Hello ((first name)), we could not accept your ((document)). ((reason)) "
    "Please send it again by ((due date)) using this link: ((link))"
)


@dataclass(frozen=True)
class Decision:
    document: RequestedDocument
    replacement: RequestedDocument | None = None
    message: Message | None = None
    # Why the resident was not texted, in words for the officer.
    text_problem: str = ""
    request_completed: bool = False


def _name(user) -> str:
    if user is None:
        return "Someone"
    return getattr(user, "full_name", "") or user.get_username()


def _lock(document: RequestedDocument) -> tuple[EvidenceRequest, RequestedDocument]:
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


def _check_open_for_review(document: RequestedDocument, actor, now) -> None:
    """Raise a plain message unless `actor` may decide or claim `document` now."""
    if not queries.can_decide(actor, document):
        raise PermissionDenied("You cannot review this document")
    if document.is_decided:
        verb = "accepted" if document.status == RequestedDocument.Status.ACCEPTED else "rejected"
        when = timezone.localtime(document.decided_at)
        raise ValidationError(
            f"This document was already {verb} by {_name(document.decided_by)} on "
            f"{when:%-d %B %Y at %H:%M}. A decision is final: to see another copy, ask the "
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
            f"{_name(document.claimed_by)} is reviewing this document. You can take it over "
            f"if they have not finished by {until:%H:%M}",
            code="claimed",
        )


def _record(
    *,
    actor,
    document: RequestedDocument,
    summary: str,
    body: str = "",
    action: str = "update",
    fields: Iterable[str] = (),
    request=None,
) -> None:
    resident_id = document.request.resident_id
    audit.record(
        actor=actor,
        action=action,
        object_type="requested_document",
        object_id=document.pk,
        resident_id=resident_id,
        fields=fields,
        detail=summary,
        request=request,
    )
    timeline.add_event(
        resident_id=resident_id,
        kind="evidence",
        summary=summary,
        body=body,
        actor=actor,
        source=document,
        url=reverse("evidence:document", args=[document.pk]),
    )


# --- Claims ---------------------------------------------------------------------------------


@transaction.atomic
def claim(*, actor, document: RequestedDocument, request=None) -> RequestedDocument:
    """Take the document to review; refused while someone else's claim is fresh."""
    now = timezone.now()
    _, document = _lock(document)
    _check_open_for_review(document, actor, now)
    previous = document.claimed_by if document.claimed_by_id not in (None, actor.pk) else None
    document.claimed_by = actor
    document.claimed_at = now
    document.save(update_fields=["claimed_by", "claimed_at"])
    summary = f"{_name(actor)} started reviewing the {document.document_type.name.lower()}"
    if previous is not None:
        summary += f", taking it over from {_name(previous)}"
    _record(
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
    _, document = _lock(document)
    if document.claimed_by_id != actor.pk:
        raise ValidationError("You are not reviewing this document", code="not_claimed")
    if document.is_decided:
        raise ValidationError("This document has been decided already", code="decided")
    document.claimed_by = None
    document.claimed_at = None
    document.save(update_fields=["claimed_by", "claimed_at"])
    _record(
        actor=actor,
        document=document,
        summary=f"{_name(actor)} stopped reviewing the {document.document_type.name.lower()}",
        action="release",
        fields=["claimed_by", "claimed_at"],
        request=request,
    )
    return document


# --- Decisions ------------------------------------------------------------------------------


def _decide(document: RequestedDocument, actor, status: str, now) -> None:
    document.status = status
    document.decided_by = actor
    document.decided_at = now
    if document.claimed_by_id is None:
        document.claimed_by, document.claimed_at = actor, now
    document.delete_files_after = now + datetime.timedelta(
        days=document.document_type.retention_days
    )


def _decided_event(document: RequestedDocument, decision: str, now) -> None:
    evidence_request = document.request
    service_events.record(
        name="evidence.decided",
        team=evidence_request.team_id,
        value=max(0, int((now - evidence_request.created_at).total_seconds())),
        source=document,
        occurred_at=now,
        attributes={"document_type": document.document_type.name, "decision": decision},
    )


def clean_checklist(checklist: Iterable[str]) -> list[str]:
    given = set(checklist or ())
    missing = [label for key, label in CHECKLIST if key not in given]
    if missing:
        raise ValidationError(
            {
                "checklist": "Confirm all three checks before accepting: the right document, "
                "readable and complete. If one is not true, reject the document instead"
            }
        )
    return [key for key, _ in CHECKLIST]


def clean_expiry(
    *, actual_kind: str, expires_on: datetime.date | None, expiry_note: str, today=None
) -> tuple[datetime.date | None, str]:
    today = today or timezone.localdate()
    expiry_note = (expiry_note or "").strip()
    if kinds.expires(actual_kind) and expires_on is None:
        raise ValidationError(
            {
                "expires_on": f"Enter the date the {kinds.label(actual_kind).lower()} expires, "
                "like 3 5 2027"
            }
        )
    if expires_on is not None and expires_on <= today and not expiry_note:
        raise ValidationError(
            {
                "expiry_note": "The expiry date is not in the future. Check the date, or say "
                "why you are accepting a document that has run out"
            }
        )
    if len(expiry_note) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"expiry_note": f"Explain in {REASON_MAX_LENGTH} characters or fewer"}
        )
    return expires_on, expiry_note


@transaction.atomic
def accept(
    *,
    actor,
    document: RequestedDocument,
    checklist: Iterable[str],
    actual_kind: str,
    expires_on: datetime.date | None = None,
    expiry_note: str = "",
    request=None,
) -> Decision:
    """Accept the document; completes the request when it was the last one outstanding."""
    now = timezone.now()
    evidence_request, document = _lock(document)
    _check_open_for_review(document, actor, now)
    clean_checklist(checklist)
    if kinds.get(actual_kind) is None:
        raise ValidationError({"actual_kind": "Choose what the document is"})
    expires_on, expiry_note = clean_expiry(
        actual_kind=actual_kind, expires_on=expires_on, expiry_note=expiry_note
    )
    if not document.files.filter(
        status__in=[UploadedFile.Status.READY, UploadedFile.Status.FLAGGED]
    ).exists():
        raise ValidationError(
            "There is no file you can accept: none of the files sent could be used. Reject the "
            "document so the resident can send it again",
            code="no_usable_file",
        )
    _decide(document, actor, RequestedDocument.Status.ACCEPTED, now)
    document.actual_kind = actual_kind
    document.expires_on = expires_on
    document.save()
    summary = f"{document.document_type.name} accepted: {kinds.label(actual_kind)}"
    if expires_on:
        summary += f", expires {expires_on:%-d %B %Y}"
    _record(
        actor=actor,
        document=document,
        summary=summary,
        body=f"Accepted although it has run out: {expiry_note}" if expiry_note else "",
        action="accept",
        fields=["status", "actual_kind", "expires_on", "decided_by", "decided_at"],
        request=request,
    )
    _decided_event(document, "accepted", now)
    retention.schedule_deletion(document)
    completed = _complete_if_done(evidence_request, actor=actor, now=now, request=request)
    return Decision(document=document, request_completed=completed)


def _complete_if_done(evidence_request: EvidenceRequest, *, actor, now, request=None) -> bool:
    if evidence_request.status != EvidenceRequest.Status.OPEN:
        return False
    if not queries.request_is_complete(evidence_request):
        return False
    evidence_request.status = EvidenceRequest.Status.COMPLETE
    evidence_request.completed_at = now
    evidence_request.save(update_fields=["status", "completed_at"])
    # Assisted digital if an officer sent any file for the resident.
    assisted = UploadedFile.objects.filter(
        document__request=evidence_request, uploaded_by__isnull=False
    ).exists()
    service_events.transaction_completed(
        service=SERVICE,
        source=evidence_request,
        channel="assisted_digital" if assisted else "digital",
        team=evidence_request.team_id,
    )
    # Residents who agreed to texts get the satisfaction question by text, unless they
    # answered it on the confirmation page already.
    survey.invite(
        service=SERVICE,
        source=evidence_request,
        resident=evidence_request.resident,
        team=evidence_request.team_id,
        by_text=evidence_request.resident.consents_to_text,
    )
    accepted = evidence_request.items.filter(status=RequestedDocument.Status.ACCEPTED).count()
    summary = (
        f"Document request complete: {accepted} document{'s' if accepted != 1 else ''} accepted"
    )
    audit.record(
        actor=actor,
        action="update",
        object_type="evidence_request",
        object_id=evidence_request.pk,
        resident_id=evidence_request.resident_id,
        fields=["status", "completed_at"],
        detail=summary,
        request=request,
    )
    timeline.add_event(
        resident_id=evidence_request.resident_id,
        kind="evidence",
        summary=summary,
        actor=actor,
        source=evidence_request,
    )
    return True


def clean_reason(reason: str) -> str:
    """A reason's key from REJECTION_REASONS becomes its words; anything else is typed text."""
    chosen = dict(REJECTION_REASONS).get(reason)
    if chosen:
        return chosen
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Choose or type the reason the document is rejected"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Write the reason in {REASON_MAX_LENGTH} characters or fewer"}
        )
    return reason


@transaction.atomic
def reject(*, actor, document: RequestedDocument, reason: str, request=None) -> Decision:
    """Reject the document, ask for it again in the same request, and text the resident."""
    now = timezone.now()
    evidence_request, document = _lock(document)
    _check_open_for_review(document, actor, now)
    reason_text = clean_reason(reason)
    _decide(document, actor, RequestedDocument.Status.REJECTED, now)
    document.rejection_reason = reason_text
    document.save()
    replacement = RequestedDocument.objects.create(
        request=evidence_request,
        document_type=document.document_type,
        note=document.note,
        reviewer=document.reviewer,
        reviewer_team=document.reviewer_team,
        replaces=document,
    )
    name = document.document_type.name
    _record(
        actor=actor,
        document=document,
        summary=f"{name} rejected and asked for again",
        body=f"Reason given to the resident: {reason_text}",
        action="reject",
        fields=["status", "rejection_reason", "decided_by", "decided_at"],
        request=request,
    )
    _decided_event(document, "rejected", now)
    retention.schedule_deletion(document)

    # The resident needs time to send it again.
    due_date = max(
        evidence_request.due_date, timezone.localdate() + datetime.timedelta(days=RESEND_DAYS)
    )
    if due_date != evidence_request.due_date:
        evidence_request.due_date = due_date
        evidence_request.save(update_fields=["due_date"])
    message, problem = _text_rejection(
        evidence_request, actor=actor, document=document, reason_text=reason_text, request=request
    )
    return Decision(
        document=document, replacement=replacement, message=message, text_problem=problem
    )


def _text_rejection(
    evidence_request: EvidenceRequest, *, actor, document: RequestedDocument, reason_text, request
) -> tuple[Message | None, str]:
    """Text the reason and a fresh link (only the old link's hash was kept, so it can't be
    resent); reminders restart with the new link. Returns the text, or why none was sent."""
    from . import services

    if evidence_request.link_revoked_at is not None:
        return None, "The resident's link was stopped, so no text was sent. Send a new link"
    try:
        messaging.check_textable(evidence_request.resident)
    except messaging.NotTextable as error:
        return None, f"No text was sent: {error.messages[0]}"
    token = services.new_link(evidence_request=evidence_request, actor=actor, request=request)
    try:
        with transaction.atomic():
            message = messaging.send_message(
                resident=evidence_request.resident,
                actor=actor,
                body=REJECTION_TEXT,
                values={
                    "document": document.document_type.name.lower(),
                    "reason": reason_text,
                    "due date": f"{evidence_request.due_date:%A %-d %B}",
                    "link": services.link_url(token),
                },
                team=evidence_request.team,
                idempotency_key=f"evidence:{evidence_request.pk}:rejected:{document.pk}",
                request=request,
            )
    except ValidationError as error:  # NotTextable, or a text too long to send
        return None, f"No text was sent: {' '.join(error.messages)}"
    messaging.cancel_nudges(condition=services.nudge_condition(evidence_request.pk))
    services.schedule_reminders(evidence_request=evidence_request, token=token, actor=actor)
    return message, ""


# --- Reads ----------------------------------------------------------------------------------


def record_view(*, actor, document: RequestedDocument, request=None) -> None:
    """Every staff read of a document is in the audit log."""
    audit.record(
        actor=actor,
        action="view",
        object_type="requested_document",
        object_id=document.pk,
        resident_id=document.request.resident_id,
        detail=f"{document.document_type.name} opened for review",
        request=request,
    )


def record_file_read(*, actor, upload: UploadedFile, original: bool, request=None) -> None:
    audit.record(
        actor=actor,
        action="export" if original else "view",
        object_type="uploaded_file",
        object_id=upload.pk,
        resident_id=upload.document.request.resident_id,
        detail="Original file downloaded" if original else "File shown",
        request=request,
    )
