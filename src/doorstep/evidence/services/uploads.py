"""Files for a requested document: keeping them, and taking one back.

An upload is checked at once (size, then type from its first bytes) so the resident gets a plain
answer straight away, stored encrypted under a random name, and recorded as "received"; the
background task in tasks.py sanitises and scans it. Nothing is half-written: a failed storage
write leaves no row, and a failed row removes the stored file.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from doorstep.core import actors

from .. import tasks
from ..filetypes import HEAD_BYTES, RefusedFile, check_size, safe_filename, sniff
from ..links import acting
from ..models import EvidenceRequest, RequestedDocument, UploadedFile
from ..recording import on_timeline, record
from ..storage import delete_quietly, evidence_storage
from .submissions import submit_document

log = logging.getLogger(__name__)


def read_upload(*, filename: str, data: bytes | None = None, file: BinaryIO | None = None) -> bytes:
    """Size first (without reading), then the type from the first bytes, then the rest.

    Raises RefusedFile naming the file, so the resident knows at once.
    """
    if data is None and file is None:
        raise ValueError("Give data or file")
    if data is not None:
        check_size(len(data), filename=filename)
        sniff(data, filename=filename)
        return bytes(data)
    size = getattr(file, "size", None)
    if size is not None:
        check_size(size, filename=filename)
    if hasattr(file, "seek"):
        file.seek(0)
    head = file.read(HEAD_BYTES)
    sniff(head, filename=filename)
    rest = file.read()
    content = head + rest
    check_size(len(content), filename=filename)
    return content


def upload_file(
    *,
    document: RequestedDocument,
    filename: str,
    data: bytes | None = None,
    file: BinaryIO | None = None,
    uploaded_by=None,
    request=None,
) -> UploadedFile:
    """Keep one file for a document and queue its processing.

    Raises RefusedFile (with a message naming the file) when the file is not accepted, the
    document takes no more files, or it was already sent.
    """
    content = read_upload(filename=filename, data=data, file=file)
    shown_name = safe_filename(filename)
    storage = evidence_storage()
    stored_name = storage.save(f"originals/{uuid.uuid4().hex}", ContentFile(content))
    try:
        return _record_upload(
            document=document,
            shown_name=shown_name,
            content=content,
            stored_name=stored_name,
            uploaded_by=uploaded_by,
            request=request,
        )
    except BaseException:
        try:
            storage.delete(stored_name)
        except Exception:  # the row failed; a leftover blob is logged, not fatal
            log.exception("Could not remove %s after a failed upload", stored_name)
        raise


def _check_room(locked: RequestedDocument, shown_name: str) -> None:
    if locked.request.status != EvidenceRequest.Status.OPEN:
        raise RefusedFile(
            f"‘{shown_name}’ was not sent: this request is finished.", reason="request_closed"
        )
    if locked.status != RequestedDocument.Status.AWAITING:
        raise RefusedFile(
            f"‘{shown_name}’ was not sent: {locked.document_type.name} has already been sent.",
            reason="document_sent",
        )
    live = locked.files.filter(status__in=UploadedFile.LIVE_STATUSES).count()
    limit = locked.document_type.max_files
    if live >= limit:
        raise RefusedFile(
            f"‘{shown_name}’ was not sent: you can send up to {limit} "
            f"file{'s' if limit != 1 else ''} for {locked.document_type.name}. Remove one "
            "first if you need to replace it.",
            reason="too_many",
        )


@transaction.atomic
def _record_upload(
    *, document, shown_name: str, content: bytes, stored_name: str, uploaded_by, request
) -> UploadedFile:
    locked = (
        RequestedDocument.objects.select_for_update()
        .select_related("request", "document_type")
        .get(pk=document.pk)
    )
    _check_room(locked, shown_name)
    now = timezone.now()
    uploaded = UploadedFile.objects.create(
        document=locked,
        uploaded_at=now,
        uploaded_by=actors.staff_or_none(uploaded_by),
        original_name=shown_name[:200],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_path=stored_name,
    )
    first_upload = locked.first_upload_at is None
    if first_upload:
        locked.first_upload_at = now
        locked.save(update_fields=["first_upload_at"])
    # An officer sending a file for the resident shows on the timeline; the resident's own
    # files show once the document is sent.
    assisted = None
    if uploaded.uploaded_by_id:
        name = locked.document_type.name
        assisted = on_timeline(
            f"File uploaded for {name} on the resident's behalf",
            body=shown_name,
            source=locked.request,
        )
    record(
        uploaded,
        actor=acting(uploaded_by),
        action="upload",
        summary=f"{locked.document_type.name}: {uploaded.size} bytes",
        timeline=assisted,
        event=_first_upload_event(locked, uploaded, now) if first_upload else None,
        request=request,
    )
    transaction.on_commit(lambda: tasks.enqueue_processing(uploaded.pk))
    return uploaded


def _first_upload_event(document: RequestedDocument, uploaded: UploadedFile, now) -> dict:
    """How long the resident took to start sending, counted once per document."""
    return {
        "name": "evidence.first_upload",
        "team": document.request.team_id,
        "channel": "assisted_digital" if uploaded.uploaded_by_id else "digital",
        "value": int((now - document.request.created_at).total_seconds()),
        "source": document,
        "attributes": {"document_type": document.document_type.name},
    }


@dataclass
class UploadOutcome:
    """What happened to each file in one go: kept, or refused with a message naming it."""

    kept: list[UploadedFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def upload_files(
    *, document: RequestedDocument, files, uploaded_by=None, request=None
) -> UploadOutcome:
    """Several files for one document: each is kept or refused on its own, so one bad file
    never loses the others. `files` yields (filename, file object) pairs."""
    outcome = UploadOutcome()
    for filename, handle in files:
        try:
            outcome.kept.append(
                upload_file(
                    document=document,
                    filename=filename,
                    file=handle,
                    uploaded_by=uploaded_by,
                    request=request,
                )
            )
        except RefusedFile as refused:
            outcome.refused.append(refused.message)
    return outcome


def upload_for_resident(
    *,
    actor,
    document: RequestedDocument,
    files,
    submit: bool = False,
    request=None,
) -> UploadOutcome:
    """An officer uploads documents a resident brought in or e-mailed (assisted digital), and
    may mark the document as sent for them."""
    outcome = upload_files(document=document, files=files, uploaded_by=actor, request=request)
    if submit and outcome.kept:
        document.refresh_from_db()
        if document.status == RequestedDocument.Status.AWAITING:
            submit_document(document=document, actor=actor, request=request)
    return outcome


@transaction.atomic
def remove_file(*, uploaded_file: UploadedFile, actor=None, request=None) -> None:
    """Take back a file sent by mistake, before its document is sent. Its stored copies go.

    Refuses (ValidationError) what the resident's page does not offer to remove: see
    `UploadedFile.removal_problem`.
    """
    locked = (
        UploadedFile.objects.select_for_update()
        .select_related("document__request", "document__document_type")
        .get(pk=uploaded_file.pk)
    )
    if locked.status in (UploadedFile.Status.REMOVED, UploadedFile.Status.DELETED):
        return
    document = RequestedDocument.objects.select_for_update().get(pk=locked.document_id)
    if problem := locked.removal_problem(document):
        raise ValidationError(problem)
    paths = [p for p in (locked.original_path, locked.sanitised_path, locked.thumbnail_path) if p]
    locked.status = UploadedFile.Status.REMOVED
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["status", "deleted_at"])
    uploaded_file.status, uploaded_file.deleted_at = locked.status, locked.deleted_at
    summary = f"{locked.document.document_type.name}: removed before sending"
    record(locked, actor=acting(actor), action="remove", summary=summary, request=request)
    transaction.on_commit(lambda: delete_stored(paths))


def read_stored(path: str) -> bytes:
    return evidence_storage().open(path).read()


def delete_stored(paths) -> None:
    delete_quietly(paths)
