"""Builders for the review tests: documents sent and ready to review, with real stored files."""

import hashlib

from django.utils import timezone

from doorstep.evidence.models import DocumentType, RequestedDocument, UploadedFile
from doorstep.evidence.storage import evidence_storage

from .factories import EvidenceRequestFactory, RequestedDocumentFactory
from .hostile import jpeg_bytes, plain_pdf


def stored_file(
    document: RequestedDocument,
    *,
    pdf: bool = False,
    status: str = UploadedFile.Status.READY,
    flags: list[str] | None = None,
    uploaded_by=None,
    name: str = "",
) -> UploadedFile:
    """A file as the processing task leaves it: original and sanitised copy, both stored."""
    data = plain_pdf().data if pdf else jpeg_bytes()
    storage = evidence_storage()
    original = storage.save_bytes(data, folder="originals")
    sanitised = storage.save_bytes(data, folder="sanitised")
    thumbnail = "" if pdf else storage.save_bytes(jpeg_bytes(), folder="thumbnails")
    return UploadedFile.objects.create(
        document=document,
        uploaded_by=uploaded_by,
        original_name=name or ("statement.pdf" if pdf else "IMG_0042.JPG"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_path=original,
        sanitised_path=sanitised,
        thumbnail_path=thumbnail,
        mime="application/pdf" if pdf else "image/jpeg",
        width=None if pdf else 64,
        height=None if pdf else 32,
        pages=2 if pdf else None,
        flags=flags or [],
        status=status,
        processed_at=timezone.now(),
    )


def submitted(*, request=None, document_type=None, files: int = 1, pdf=False, **fields):
    """A requested document the resident has sent, ready to review."""
    if isinstance(document_type, str):
        document_type = DocumentType.objects.get(name=document_type)
    extra = {"document_type": document_type} if document_type else {}
    document = RequestedDocumentFactory(
        request=request or EvidenceRequestFactory(),
        status=RequestedDocument.Status.SUBMITTED,
        submitted_at=timezone.now(),
        first_upload_at=timezone.now(),
        **extra,
        **fields,
    )
    for _ in range(files):
        stored_file(document, pdf=pdf)
    return document
