"""Sending documents to their reviewers, and the one confirmation text once all are sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import actors
from doorstep.messaging import services as messaging

from ..links import acting
from ..models import EvidenceRequest, RequestedDocument
from ..queries import usable_file_count
from ..recording import on_timeline, record
from .reminders import stop_reminders


@transaction.atomic
def submit_document(*, document: RequestedDocument, actor=None, request=None) -> bool:
    """Send a document to its reviewer. Returns True when nothing is left to send.

    Once every document asked for is sent, the reminders stop and the resident gets one
    confirmation text.
    """
    locked = (
        RequestedDocument.objects.select_for_update()
        .select_related("request__resident", "document_type")
        .get(pk=document.pk)
    )
    if locked.status != RequestedDocument.Status.AWAITING:
        raise ValidationError(f"{locked.document_type.name} has already been sent")
    files = usable_file_count(locked)
    if files == 0:
        raise ValidationError(f"Send a photo or file for {locked.document_type.name} first")
    locked.status = RequestedDocument.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    document.status, document.submitted_at = locked.status, locked.submitted_at
    evidence_request = locked.request
    by_officer = actors.is_staff(actor)
    counted = f"{files} file{'s' if files != 1 else ''}"
    record(
        locked,
        actor=acting(actor),
        action="submit",
        summary=f"{locked.document_type.name}: {counted}",
        request=request,
        timeline=on_timeline(
            f"{locked.document_type.name} sent ({counted})"
            + (" by an officer for the resident" if by_officer else ""),
            source=evidence_request,
        ),
    )
    all_sent = not evidence_request.items.filter(status=RequestedDocument.Status.AWAITING).exists()
    if all_sent:
        _all_sent(evidence_request)
    return all_sent


def _all_sent(evidence_request: EvidenceRequest) -> None:
    stop_reminders(evidence_request)
    try:
        number = messaging.check_textable(evidence_request.resident)
    except messaging.NotTextable:
        return
    # Once for each set of documents asked for: a document asked for again gets its own.
    newest = evidence_request.items.order_by("-pk").values_list("pk", flat=True).first()
    messaging.send_system_text(
        number=number,
        resident=evidence_request.resident,
        body=f"Thank you. {settings.COUNCIL_NAME} has the documents you sent. We will check "
        "them and text you if we need anything else.",
        idempotency_key=f"evidence:{evidence_request.pk}:all-sent:{newest}",
        team=evidence_request.team,
    )


@transaction.atomic
def submit_all(*, evidence_request: EvidenceRequest, actor=None, request=None) -> list[str]:
    """Send every document that has files; returns the names of those sent."""
    sent = []
    waiting = evidence_request.items.filter(
        status=RequestedDocument.Status.AWAITING
    ).select_related("document_type")
    for document in waiting:
        if usable_file_count(document):
            submit_document(document=document, actor=actor, request=request)
            sent.append(document.document_type.name)
    return sent
