"""Checking an uploaded file: sanitise, scan and keep a safe copy (run by tasks.py).

`process_file` is safe to run twice and to be killed at any point:
- the safe copy and thumbnail are written under names made from the file's id, so a retry
  overwrites what a killed run wrote instead of adding another copy;
- the row is updated in one transaction that first locks it and checks it is still "received",
  so a second run of a processed file changes nothing and a retry finishes the job exactly once.
"""

import logging

from django.db import transaction
from django.utils import timezone

from doorstep.core import timeline

from .filetypes import RefusedFile, sniff
from .models import RequestedDocument, UploadedFile
from .recording import on_timeline, page_url, record
from .scanning import ScanUnavailable, scan
from .storage import delete_quietly, evidence_storage

log = logging.getLogger(__name__)

# What process_file returns when clamd could not be reached: the caller queues it again.
RETRY = "retry"

INFECTED_FOR_RESIDENT = (
    "{name} could not be used: our virus check found a problem with it. Send a different photo "
    "or file (a new photo of the paper document is best)."
)


def sanitised_name(file_id: int) -> str:
    return f"sanitised/{file_id}.enc"


def thumbnail_name(file_id: int) -> str:
    return f"thumbnails/{file_id}.enc"


def process_file(file_id: int) -> str:
    """Check one uploaded file and keep a safe copy. Returns what happened, for logs and tests:
    ready, flagged, refused, infected, retry, or skipped (already done or removed)."""
    # Image and PDF libraries are heavy: loaded only where files are checked.
    from .sanitise import sanitise

    with transaction.atomic():
        row = UploadedFile.objects.select_for_update().filter(pk=file_id).first()
        if row is None or row.status != UploadedFile.Status.RECEIVED:
            return "skipped"
        row.processing_attempts += 1
        row.save(update_fields=["processing_attempts"])

    storage = evidence_storage()
    data = storage.open(row.original_path).read()
    try:
        sniffed = sniff(data, filename=row.original_name)
    except RefusedFile as refused:
        return _finish(file_id, status=UploadedFile.Status.REFUSED, problem=refused.message)

    # Made in memory first: bombs and broken images are refused without troubling clamd.
    try:
        safe = sanitise(data, sniffed, filename=row.original_name)
    except RefusedFile as refused:
        return _finish(file_id, status=UploadedFile.Status.REFUSED, problem=refused.message)

    try:
        verdict = scan(data)
    except ScanUnavailable as error:
        log.warning("Virus scan unavailable for upload %s, retrying: %s", file_id, error)
        return RETRY
    if not verdict.clean:
        # Quarantined: the safe copy is never written, so nothing of it can be shown.
        return _finish(
            file_id,
            status=UploadedFile.Status.INFECTED,
            problem=INFECTED_FOR_RESIDENT.format(name=f"‘{row.original_name}’"),
            scan_signature=verdict.signature or "unknown",
        )

    sanitised_path = storage.write_exact(sanitised_name(file_id), safe.content)
    thumbnail_path = ""
    if safe.thumbnail:
        thumbnail_path = storage.write_exact(thumbnail_name(file_id), safe.thumbnail)
    return _finish(
        file_id,
        status=UploadedFile.Status.FLAGGED if safe.flags else UploadedFile.Status.READY,
        sanitised_path=sanitised_path,
        thumbnail_path=thumbnail_path,
        mime=safe.mime,
        width=safe.width,
        height=safe.height,
        pages=safe.pages,
        flags=list(safe.flags),
        scanned=verdict.scanned,
    )


def _finish(file_id: int, *, status: str, scanned: bool = False, **fields) -> str:
    """Record the outcome once: only a file still "received" is changed."""
    written = [fields.get("sanitised_path"), fields.get("thumbnail_path")]
    with transaction.atomic():
        row = (
            UploadedFile.objects.select_for_update()
            .select_related("document__request", "document__document_type")
            .filter(pk=file_id)
            .first()
        )
        if row is None or row.status != UploadedFile.Status.RECEIVED:
            # Removed by the resident (or finished elsewhere) while we worked: keep nothing new.
            if row is None or row.status == UploadedFile.Status.REMOVED:
                transaction.on_commit(lambda: delete_quietly([p for p in written if p]))
            return "skipped"
        for name, value in fields.items():
            setattr(row, name, value)
        row.status = status
        row.processed_at = timezone.now()
        row.save()
        _record_outcome(row, scanned=scanned)
        if status in (UploadedFile.Status.INFECTED, UploadedFile.Status.REFUSED):
            _reopen_if_empty(row.document)
    return status


def _record_outcome(row: UploadedFile, *, scanned: bool) -> None:
    document = row.document
    status = row.status
    detail = {
        UploadedFile.Status.READY: "Checked and ready",
        UploadedFile.Status.FLAGGED: "Checked: " + " ".join(row.flags),
        UploadedFile.Status.REFUSED: row.problem,
        UploadedFile.Status.INFECTED: f"Quarantined: {row.scan_signature}",
    }[status]
    if scanned and status in (UploadedFile.Status.READY, UploadedFile.Status.FLAGGED):
        detail += " (virus check passed)"
    record(
        row,
        actor="system",
        action="process",
        summary=detail,
        timeline=on_timeline(
            f"A file sent for {document.document_type.name} was quarantined: "
            "the virus check found a problem. It will not be shown",
            body=f"File ‘{row.original_name}’, signature {row.scan_signature}",
            source=document.request,
        )
        if status == UploadedFile.Status.INFECTED
        else None,
    )


def _reopen_if_empty(document: RequestedDocument) -> None:
    """A sent document whose every file turned out unusable goes back to the resident, who
    sees why on their link page; the reviewer is not left with nothing to look at."""
    locked = RequestedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != RequestedDocument.Status.SUBMITTED:
        return
    if locked.files.filter(status__in=UploadedFile.LIVE_STATUSES).exists():
        return
    locked.status = RequestedDocument.Status.AWAITING
    locked.submitted_at = None
    locked.save(update_fields=["status", "submitted_at"])
    timeline.add_event(
        resident_id=locked.request.resident_id,
        kind="evidence",
        summary=f"{locked.document_type.name} needs sending again: none of its files could be used",
        source=locked.request,
        url=page_url(locked.request),
    )
