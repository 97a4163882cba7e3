"""Importing residents from a legacy system's CSV file.

Each row is checked with the same rules as the forms and the API and written in its own
transaction, so a bad row is reported and never leaves a half-written resident. Matching:

- a row whose (source, source_id) is already known updates that resident;
- a row whose National Insurance number belongs to a live resident adds the identifier to that
  resident and fills only the fields that are empty there;
- anything else creates a resident, and records that share a mobile, or a name and date of
  birth, with a live resident are listed as possible duplicates for a person to review.

Blank cells never clear data that is already held. Re-importing a file changes nothing.
"""

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from doorstep.core import audit
from doorstep.core.changes import Timeline
from doorstep.core.validators import normalise_ni_number

from . import merging, services
from .changes import record_resident_change
from .import_files import (
    COLUMN_NAMES,
    COLUMNS,
    MAX_FILE_BYTES,
    PROGRESS_EVERY,
    REQUIRED_COLUMNS,
    ImportFileError,
    ImportSummary,
    ParsedFile,
    RowError,
    RowRejected,
    clean_source,
    errors_from,
    parse_csv,
    report_rows,
    row_to_data,
    write_report,
)
from .models import ExternalIdentifier, ImportJob, Resident

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "MAX_FILE_BYTES",
    "REQUIRED_COLUMNS",
    "ContentFile",
    "ImportFileError",
    "ImportSummary",
    "ParsedFile",
    "RowError",
    "clean_source",
    "import_row",
    "import_rows",
    "parse_csv",
    "report_rows",
    "release_interrupted_imports",
    "run_import_job",
    "write_report",
]

# --- One row ---------------------------------------------------------------------------------


def _live(resident: Resident) -> Resident:
    while resident.merged_into_id:
        resident = resident.merged_into
    return resident


def _find_match(source: str, source_id: str, data: dict[str, Any]) -> tuple[Resident | None, str]:
    known = (
        ExternalIdentifier.objects.select_related("resident__merged_into")
        .filter(source=source, value=source_id)
        .first()
    )
    if known is not None:
        return _live(known.resident), "identifier"
    if data.get("national_insurance_number"):
        try:
            number = normalise_ni_number(data["national_insurance_number"])
        except ValidationError:
            return None, ""  # reported when the row is checked
        resident = Resident.objects.filter(
            national_insurance_number=number, merged_into=None
        ).first()
        if resident is not None:
            return resident, "ni_number"
    return None, ""


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _add_identifier(*, actor, resident: Resident, source: str, source_id: str) -> None:
    ExternalIdentifier.objects.create(resident=resident, source=source, value=source_id)
    record_resident_change(
        actor=actor,
        action="update",
        resident=resident,
        fields=["identifiers"],
        summary=f"Matched by National Insurance number in an import from {source}",
        timeline_event=Timeline(kind="record", summary=f"Linked to {source} record {source_id}"),
    )


def import_row(row_number: int, row: dict[str, str], *, source: str, actor) -> tuple[str, int]:
    """Import one row in its own transaction.

    Returns ("created" | "updated" | "unchanged", number of new possible duplicates) or raises
    RowRejected with every problem found in the row.
    """
    source_id, data, errors = row_to_data(row_number, row)
    match, matched_by = _find_match(source, source_id, data) if source_id else (None, "")
    # Check every value the row gives before writing anything.
    cleaned: dict[str, Any] = {}
    try:
        cleaned = services.clean_resident_data(data, partial=match is not None, resident=match)
    except ValidationError as error:
        reported = {problem.field for problem in errors}
        errors += [
            problem for problem in errors_from(row_number, error) if problem.field not in reported
        ]
    if errors:
        raise RowRejected(errors)
    try:
        with transaction.atomic():
            if match is None:
                resident = services.create_resident(
                    actor=actor,
                    data=data,
                    identifiers=[(source, source_id)],
                    source=source,
                    check_duplicates=False,
                )
                outcome = "created"
            else:
                resident, outcome = _update_match(
                    match,
                    matched_by,
                    cleaned,
                    actor=actor,
                    source=source,
                    source_id=source_id,
                )
            flagged = merging.flag_possible_duplicates(resident_id=resident.pk)
    except ValidationError as error:
        raise RowRejected(errors_from(row_number, error)) from error
    except DatabaseError as error:
        # Another writer got there first (e.g. the same NI number at the same moment).
        raise RowRejected(
            [RowError(row_number, "", "The row could not be saved. Import the file again")]
        ) from error
    return outcome, flagged


def _update_match(
    match: Resident, matched_by: str, cleaned: dict[str, Any], *, actor, source: str, source_id: str
) -> tuple[Resident, str]:
    """Bring a matched resident up to date from the row: every given field when matched by the
    legacy id, only the empty ones when matched by NI number (which also links the id)."""
    resident = Resident.objects.select_for_update().get(pk=match.pk)
    changes = {
        name: value
        for name, value in cleaned.items()
        if name != "phones" and (matched_by == "identifier" or _is_empty(getattr(resident, name)))
    }
    # Numbers from the file are added; numbers already held are kept.
    held = list(resident.phones.values_list("number", flat=True))
    new_numbers = [number for number in cleaned.get("phones", []) if number not in held]
    if new_numbers:
        changes["phones"] = held + new_numbers
    changed = services.update_resident(
        actor=actor, resident=resident, data=changes, check_duplicates=False
    )
    if matched_by == "ni_number":
        _add_identifier(actor=actor, resident=resident, source=source, source_id=source_id)
    return resident, "updated" if changed or matched_by == "ni_number" else "unchanged"


def import_rows(
    parsed: ParsedFile,
    *,
    source: str,
    actor,
    on_progress: Callable[[ImportSummary], None] | None = None,
    resume: ImportSummary | None = None,
) -> ImportSummary:
    """Import every row; on_progress is called after each row with the running totals.

    `resume` carries on an interrupted import from the totals it saved: the rows it counted as
    done are skipped (a row done after the last save runs again, which changes nothing)."""
    summary = dataclasses.replace(resume) if resume else ImportSummary()
    summary.total = len(parsed.rows)
    for row_number, row in parsed.rows[summary.processed :]:
        try:
            outcome, flagged = import_row(row_number, row, source=source, actor=actor)
        except RowRejected as rejected:
            summary.errors.extend(rejected.errors)
        else:
            summary.created += outcome == "created"
            summary.updated += outcome == "updated"
            summary.duplicates += flagged
        summary.processed += 1
        if on_progress is not None:
            on_progress(summary)
    return summary


# --- Import jobs (the upload page and its background task) ----------------------------------


def lease() -> timedelta:
    return timedelta(seconds=settings.WORK_LEASE_SECONDS)


def _claim(job_id: int) -> ImportJob | None:
    """Start a waiting job under a fresh lease; None when it is not waiting (safe to run twice)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.PENDING:
            return None
        job.status = ImportJob.Status.RUNNING
        job.lease_until = timezone.now() + lease()
        job.save(update_fields=["status", "lease_until"])
    return job


def _saved_progress(job: ImportJob) -> ImportSummary:
    """The totals an interrupted run saved, to carry on from."""
    return ImportSummary(
        total=job.total_rows,
        processed=job.processed_rows,
        created=job.created_count,
        updated=job.updated_count,
        duplicates=job.duplicate_count,
        errors=[RowError(**error) for error in job.errors],
    )


def _progress_saver(job_id: int) -> Callable[[ImportSummary], None]:
    """Saves the totals every PROGRESS_EVERY rows, and renews the lease each time and whenever a
    third of it has passed, so a slow import is never taken for a dead one."""
    renewed = timezone.now()

    def save_progress(summary: ImportSummary) -> None:
        nonlocal renewed
        now = timezone.now()
        due = summary.processed % PROGRESS_EVERY == 0 or summary.processed == summary.total
        if not due and now - renewed < lease() / 3:
            return
        renewed = now
        job = ImportJob.objects.filter(pk=job_id)
        if not due:
            job.update(lease_until=now + lease())
            return
        job.update(
            total_rows=summary.total,
            processed_rows=summary.processed,
            created_count=summary.created,
            updated_count=summary.updated,
            duplicate_count=summary.duplicates,
            error_count=summary.rejected,
            errors=[error.as_dict() for error in summary.errors],
            lease_until=now + lease(),
        )

    return save_progress


def run_import_job(*, job_id: int) -> None:
    """The background task's work. Safe to run twice: only a waiting job is started, and one
    interrupted (its worker died) carries on from the rows it saved as done."""
    job = _claim(job_id)
    if job is None:
        return
    actor = job.created_by or f"{job.source} import"
    try:
        with job.file.open("rb") as stored:
            raw = stored.read()
        summary = import_rows(
            parse_csv(raw),
            source=job.source,
            actor=actor,
            on_progress=_progress_saver(job_id),
            resume=_saved_progress(job) if job.processed_rows else None,
        )
    except ImportFileError as error:
        _finish(job_id, status=ImportJob.Status.FAILED, failure_reason=error.message, actor=actor)
        return
    except Exception:
        _finish(
            job_id,
            status=ImportJob.Status.FAILED,
            failure_reason="The import stopped because of a fault. Rows already imported are kept; "
            "upload the file again to import the rest",
            actor=actor,
        )
        raise
    _finish(job_id, status=ImportJob.Status.DONE, summary=summary, actor=actor)


def release_interrupted_imports(now: datetime | None = None) -> list[int]:
    """Jobs to queue (again): running ones whose worker stopped renewing the lease (it died),
    put back to waiting, and waiting ones whose task seems lost. Each is leased anew, so a
    job is queued again at most once a lease."""
    now = now or timezone.now()
    expired = Q(lease_until__lt=now) | Q(lease_until__isnull=True)
    running = ImportJob.objects.filter(expired, status=ImportJob.Status.RUNNING)
    waiting = ImportJob.objects.filter(
        expired, status=ImportJob.Status.PENDING, created_at__lt=now - lease()
    )
    released = []
    for queryset, status in (
        (running, ImportJob.Status.RUNNING),
        (waiting, ImportJob.Status.PENDING),
    ):
        for job_id in list(queryset.values_list("pk", flat=True)[:100]):
            if ImportJob.objects.filter(expired, pk=job_id, status=status).update(
                status=ImportJob.Status.PENDING, lease_until=now + lease()
            ):
                released.append(job_id)
    return released


def _finish(
    job_id: int,
    *,
    status: str,
    actor,
    summary: ImportSummary | None = None,
    failure_reason: str = "",
) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        job.status = status
        job.failure_reason = failure_reason
        job.finished_at = timezone.now()
        if summary is not None:
            job.total_rows = summary.total
            job.processed_rows = summary.processed
            job.created_count = summary.created
            job.updated_count = summary.updated
            job.duplicate_count = summary.duplicates
            job.error_count = summary.rejected
            job.errors = [error.as_dict() for error in summary.errors]
        job.save()
        audit.record(
            actor=actor,
            action="import",
            object_type="import_job",
            object_id=job.pk,
            detail=(
                f"Finished: {job.created_count} created, {job.updated_count} updated, "
                f"{job.duplicate_count} possible duplicates, {job.error_count} rows rejected"
                if summary is not None
                else f"Failed: {failure_reason}"
            ),
        )
    # The file holds many residents' personal data; the report needs only the errors.
    job.file.delete(save=True)
