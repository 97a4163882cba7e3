"""Deciding on documents: accepting and rejecting them, and completing requests.

A decision is final: a decided document is never decided again. A rejection asks for the
document again as a new RequestedDocument (`replaces=`) in the same request and texts the
resident the reason with a fresh link. When every document in a request is accepted the request
is complete. Either decision schedules the deletion of the document's files once its type's
retention period ends.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import formats, service_events
from doorstep.messaging import services as messaging
from doorstep.reporting import survey

from .. import kinds, queries, tasks
from ..links import link_url
from ..models import EvidenceRequest, RequestedDocument, UploadedFile
from ..recording import on_timeline, record
from .link_changes import new_link
from .reminders import schedule_reminders, stop_reminders
from .review import check_open_for_review, lock_for_review, record_document_change

if TYPE_CHECKING:
    from doorstep.messaging.models import Message

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
    message: "Message | None" = None
    # Why the resident was not texted, in words for the officer.
    text_problem: str = ""
    request_completed: bool = False


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


def _decided_event(document: RequestedDocument, decision: str, now) -> dict:
    """The service event of a decision, for `record_document_change`."""
    evidence_request = document.request
    return {
        "name": "evidence.decided",
        "team": evidence_request.team_id,
        "value": max(0, int((now - evidence_request.created_at).total_seconds())),
        "source": document,
        "occurred_at": now,
        "attributes": {"document_type": document.document_type.name, "decision": decision},
    }


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
                "expires_on": f"Enter the date the {formats.in_sentence(kinds.label(actual_kind))} expires, "
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
    evidence_request, document = lock_for_review(document)
    check_open_for_review(document, actor, now)
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
    record_document_change(
        actor=actor,
        document=document,
        summary=summary,
        body=f"Accepted although it has run out: {expiry_note}" if expiry_note else "",
        action="accept",
        fields=["status", "actual_kind", "expires_on", "decided_by", "decided_at"],
        request=request,
        event=_decided_event(document, "accepted", now),
    )
    schedule_deletion(document)
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
    record(
        evidence_request,
        actor=actor,
        action="update",
        fields=["status", "completed_at"],
        summary=summary,
        request=request,
        timeline=on_timeline(source=evidence_request, linked=False),
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
    evidence_request, document = lock_for_review(document)
    check_open_for_review(document, actor, now)
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
    record_document_change(
        actor=actor,
        document=document,
        summary=f"{name} rejected and asked for again",
        body=f"Reason given to the resident: {reason_text}",
        action="reject",
        fields=["status", "rejection_reason", "decided_by", "decided_at"],
        request=request,
        event=_decided_event(document, "rejected", now),
    )
    schedule_deletion(document)

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
) -> tuple["Message | None", str]:
    """Text the reason and a fresh link (only the old link's hash was kept, so it can't be
    resent); reminders restart with the new link. Returns the text, or why none was sent."""
    if evidence_request.link_revoked_at is not None:
        return None, "The resident's link was stopped, so no text was sent. Send a new link"
    try:
        messaging.check_textable(evidence_request.resident)
    except messaging.NotTextable as error:
        return None, f"No text was sent: {error.messages[0]}"
    token = new_link(evidence_request=evidence_request, actor=actor, request=request)
    try:
        with transaction.atomic():
            message = messaging.send_message(
                resident=evidence_request.resident,
                actor=actor,
                body=REJECTION_TEXT,
                values={
                    "document": formats.in_sentence(document.document_type.name),
                    "reason": reason_text,
                    "due date": f"{evidence_request.due_date:%A %-d %B}",
                },
                secrets={"link": link_url(token)},
                team=evidence_request.team,
                idempotency_key=f"evidence:{evidence_request.pk}:rejected:{document.pk}",
                request=request,
            )
    except ValidationError as error:  # NotTextable, or a text too long to send
        return None, f"No text was sent: {' '.join(error.messages)}"
    stop_reminders(evidence_request)
    schedule_reminders(evidence_request=evidence_request, token=token, actor=actor)
    return message, ""


def schedule_deletion(document: RequestedDocument) -> None:
    """Enqueue the deletion for when the document's retention period ends, once committed."""
    document_id, run_after = document.pk, document.delete_files_after
    transaction.on_commit(
        lambda: tasks.delete_files_task.using(run_after=run_after).enqueue(document_id=document_id)
    )
