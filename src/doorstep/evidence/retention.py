"""Deleting a decided document's files when its type's retention period ends.

At decision time `decisions.schedule_deletion` enqueues `tasks.delete_files_task` to run at
`delete_files_after` (decision time + the type's retention days). The task deletes the stored
original, sanitised copy and thumbnail of every file and marks each row deleted: the rows stay
as the record that the files existed and when they went. It is safe to run twice, and
`manage.py purge_expired_documents` sweeps up anything whose task was lost.
"""

import datetime
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from . import queries
from .models import RequestedDocument, UploadedFile
from .recording import record
from .storage import evidence_storage


def storage() -> Storage:
    """Where evidence files live (encrypted at rest; a local folder or S3)."""
    return evidence_storage()


@dataclass(frozen=True)
class Purged:
    document_id: int
    files: int


def _stored_names(upload: UploadedFile) -> list[str]:
    return [
        name
        for name in (upload.original_path, upload.sanitised_path, upload.thumbnail_path)
        if name
    ]


@transaction.atomic
def delete_files(
    *, document_id: int, now: datetime.datetime | None = None, actor=None
) -> Purged | None:
    """Delete the document's files if its retention period has ended; None if not yet due.

    The row lock keeps two workers apart; files already marked deleted are skipped, so a
    retry after a crash finishes the job without harm (deleting a missing name is a no-op).
    """
    now = now or timezone.now()
    document = (
        RequestedDocument.objects.select_for_update()
        .select_related("request", "document_type")
        .filter(pk=document_id)
        .first()
    )
    if document is None or document.delete_files_after is None:
        return None
    if document.delete_files_after > now:
        return None  # e.g. a task enqueued early by hand: the sweep will come back for it
    files = list(document.files.filter(deleted_at=None))
    store = storage()
    for upload in files:
        for name in _stored_names(upload):
            store.delete(name)
        upload.status = UploadedFile.Status.DELETED
        upload.deleted_at = now
        upload.save(update_fields=["status", "deleted_at"])
    if files:
        record(
            document,
            actor=actor or "retention",
            action="delete",
            summary=(
                f"{len(files)} file{'s' if len(files) != 1 else ''} of "
                f"{document.document_type.name} deleted after "
                f"{document.document_type.retention_days} days"
            ),
        )
    return Purged(document_id=document.pk, files=len(files))


def due_for_deletion(now: datetime.datetime | None = None) -> list[RequestedDocument]:
    return list(queries.documents_past_retention(now))


def purge_expired(*, now: datetime.datetime | None = None) -> list[Purged]:
    """Delete every document's files that are past their date (for lost or failed tasks)."""
    purged = []
    for document in due_for_deletion(now):
        result = delete_files(document_id=document.pk, now=now)
        if result is not None and result.files:
            purged.append(result)
    return purged
