"""Uploading a file of residents from the import page: checked, kept, and queued for the task."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest

from doorstep.core import actors, audit

from .import_files import MAX_FILE_BYTES, ImportFileError, clean_source, parse_csv
from .models import ImportJob
from .tasks import import_task


@transaction.atomic
def start_import(
    *, actor, uploaded_file, source: str, request: HttpRequest | None = None
) -> ImportJob:
    """Check the file, keep it, and queue the import. Raises ValidationError for the form."""
    errors: dict[str, list[str]] = {}
    try:
        source = clean_source(source)
    except ValidationError as error:
        errors.update(error.message_dict)
    raw = b""
    if uploaded_file is None:
        errors["file"] = ["Choose a CSV file to import"]
    elif uploaded_file.size > MAX_FILE_BYTES:
        errors["file"] = [f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB"]
    else:
        raw = uploaded_file.read()
        try:
            parsed = parse_csv(raw)
        except ImportFileError as error:
            errors["file"] = [error.message]
    if errors:
        raise ValidationError(errors)
    job = ImportJob(
        source=source,
        original_filename=(uploaded_file.name or "")[:200],
        total_rows=len(parsed.rows),
        created_by=actors.staff_or_none(actor),
    )
    # A random name: the file's own name is shown but never used as a path.
    job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(raw), save=False)
    job.save()
    audit.record(
        actor=actor,
        action="import",
        object_type="import_job",
        object_id=job.pk,
        detail=f"Uploaded {job.original_filename} from {source}: {job.total_rows} rows",
        request=request,
    )
    transaction.on_commit(lambda: import_task.enqueue(job_id=job.pk))
    return job


def record_report_download(*, actor, job: ImportJob, request: HttpRequest | None = None) -> None:
    """Downloading the rejected rows of an import is audited."""
    audit.record(
        actor=actor,
        action="export",
        object_type="import_job",
        object_id=job.pk,
        detail=f"Rejected rows report: {len(job.errors)} problems",
        request=request,
    )
