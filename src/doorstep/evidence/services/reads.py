"""Audit records of staff and API reads: every read of a resident's documents is logged."""

from doorstep.core.changes import record_change

from ..models import EvidenceRequest, RequestedDocument, UploadedFile
from ..recording import record


def record_request_view(
    *, actor, evidence_request: EvidenceRequest, detail: str = "", request=None
) -> None:
    record(evidence_request, actor=actor, action="view", summary=detail, request=request)


def record_asking_page(*, actor, resident, request=None) -> None:
    """The page for asking a resident for documents shows who they are."""
    record_change(
        actor=actor,
        action="view",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        summary="Ask for documents",
        request=request,
    )


def record_view(
    *, actor, document: RequestedDocument, detail: str | None = None, request=None
) -> None:
    """Every staff read of a document is in the audit log."""
    if detail is None:
        detail = f"{document.document_type.name} opened for review"
    record(document, actor=actor, action="view", summary=detail, request=request)


def record_file_read(
    *, actor, upload: UploadedFile, original: bool, detail: str = "", request=None
) -> None:
    record(
        upload,
        actor=actor,
        action="export" if original else "view",
        summary=detail or ("Original file downloaded" if original else "File shown"),
        request=request,
    )
