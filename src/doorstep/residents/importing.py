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

import csv
import datetime
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit, csvfiles, timeline
from doorstep.core.csvfiles import safe_cell
from doorstep.core.validators import normalise_ni_number

from . import merging, services
from .models import ExternalIdentifier, ImportJob, Resident

# (column, what it holds), in the order the upload page and the command help show them.
COLUMNS: list[tuple[str, str]] = [
    ("source_id", "The resident's id in the legacy system (required)"),
    ("title", "Mr, Ms, Mx, Dr..."),
    ("first_name", "Required for a new resident"),
    ("last_name", "Required for a new resident"),
    ("preferred_name", "The name the resident likes to be called"),
    ("date_of_birth", "Like 1980-02-01 or 01/02/1980"),
    ("national_insurance_number", "Like AB 12 34 56 C"),
    ("phone", "One or more numbers separated by ';', like 07700 900982; 020 7946 0000"),
    ("email", "Like name@example.com"),
    ("address_line_1", ""),
    ("address_line_2", ""),
    ("town", ""),
    ("postcode", "Like E8 1DY"),
    ("language", "The language the resident prefers, like Polish"),
]
COLUMN_NAMES = [name for name, _ in COLUMNS]
REQUIRED_COLUMNS = ["source_id", "first_name", "last_name"]
MAX_FILE_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 100
# Columns that go to the resident record as they are (phone is split, source_id is kept apart).
_TEXT_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "preferred_name",
    "national_insurance_number",
    "email",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "language",
]
_LABELS = {
    "title": "title",
    "preferred_name": "preferred name",
    "email": "e-mail address",
    "address_line_1": "first address line",
    "address_line_2": "second address line",
    "town": "town",
    "language": "language",
    "first_name": "first name",
    "last_name": "last name",
}
_MAX_SOURCE_ID = ExternalIdentifier._meta.get_field("value").max_length
_MAX_SOURCE_NAME = ExternalIdentifier._meta.get_field("source").max_length


# The whole file is refused; `message` says why in plain English.
ImportFileError = csvfiles.CsvFileRefused


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


@dataclass
class ImportSummary:
    total: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def unchanged(self) -> int:
        return self.processed - self.created - self.updated - self.rejected


@dataclass
class ParsedFile:
    columns: list[str]
    # (row number as a spreadsheet shows it, the row's values by column)
    rows: list[tuple[int, dict[str, str]]]


# --- Reading the file ----------------------------------------------------------------------


def parse_csv(raw: bytes) -> ParsedFile:
    """Check the file as a whole and return its rows; raises ImportFileError if it is refused."""
    columns, rows = csvfiles.read_csv(
        raw,
        max_bytes=MAX_FILE_BYTES,
        what="rows of residents",
        check_columns=lambda columns: csvfiles.check_columns(
            columns,
            known=COLUMN_NAMES,
            required=REQUIRED_COLUMNS,
            known_hint="the columns Doorstep reads are listed on this page",
        ),
    )
    return ParsedFile(columns=columns, rows=rows)


# --- One row ---------------------------------------------------------------------------------


class _RowRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def _parse_date(value: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = datetime.datetime.strptime(value, pattern)  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
        return parsed.date()
    raise ValueError(value)


def _row_to_data(
    row_number: int, row: dict[str, str]
) -> tuple[str, dict[str, Any], list[RowError]]:
    """The source id, the resident fields the row gives (blank cells left out) and problems."""
    errors: list[RowError] = []
    if "" in row:
        errors.append(
            RowError(row_number, "", "The row has more values than there are column names")
        )
    source_id = (row.get("source_id") or "").strip()
    if not source_id:
        errors.append(
            RowError(row_number, "source_id", "Enter the resident's id in the legacy system")
        )
    elif len(source_id) > _MAX_SOURCE_ID:
        errors.append(
            RowError(
                row_number,
                "source_id",
                f"The id in the legacy system must be {_MAX_SOURCE_ID} characters or fewer",
            )
        )
    data: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        value = (row.get(name) or "").strip()
        if not value:
            continue
        max_length = Resident._meta.get_field(name).max_length
        # NI numbers and postcodes are checked after normalising, which removes spaces.
        if name in _LABELS and max_length and len(value) > max_length:
            errors.append(
                RowError(
                    row_number,
                    name,
                    f"The {_LABELS[name]} must be {max_length} characters or fewer",
                )
            )
            continue
        data[name] = value
    birth_date = (row.get("date_of_birth") or "").strip()
    if birth_date:
        try:
            data["date_of_birth"] = _parse_date(birth_date)
        except ValueError:
            errors.append(
                RowError(
                    row_number,
                    "date_of_birth",
                    "Date of birth must be a real date, like 1980-02-01 or 01/02/1980",
                )
            )
    phones = [part.strip() for part in (row.get("phone") or "").split(";") if part.strip()]
    if phones:
        data["phones"] = phones
    return source_id, data, errors


def _errors_from(row_number: int, error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(row_number, "", message) for message in error.messages]
    column = {"phones": "phone"}
    return [
        RowError(row_number, column.get(name, name), message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


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
    audit.record(
        actor=actor,
        action="update",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        fields=["identifiers"],
        detail=f"Matched by National Insurance number in an import from {source}",
    )
    timeline.add_event(
        resident_id=resident.pk,
        kind="record",
        actor=actor,
        summary=f"Linked to {source} record {source_id}",
    )


def import_row(row_number: int, row: dict[str, str], *, source: str, actor) -> tuple[str, int]:
    """Import one row in its own transaction.

    Returns ("created" | "updated" | "unchanged", number of new possible duplicates) or raises
    _RowRejected with every problem found in the row.
    """
    source_id, data, errors = _row_to_data(row_number, row)
    match, matched_by = _find_match(source, source_id, data) if source_id else (None, "")
    # Check every value the row gives before writing anything.
    cleaned: dict[str, Any] = {}
    try:
        cleaned = services.clean_resident_data(data, partial=match is not None, resident=match)
    except ValidationError as error:
        reported = {problem.field for problem in errors}
        errors += [
            problem for problem in _errors_from(row_number, error) if problem.field not in reported
        ]
    if errors:
        raise _RowRejected(errors)
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
                resident = Resident.objects.select_for_update().get(pk=match.pk)
                changes = {
                    name: value
                    for name, value in cleaned.items()
                    if name != "phones"
                    and (matched_by == "identifier" or _is_empty(getattr(resident, name)))
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
                    _add_identifier(
                        actor=actor, resident=resident, source=source, source_id=source_id
                    )
                outcome = "updated" if changed or matched_by == "ni_number" else "unchanged"
            flagged = merging.flag_possible_duplicates(resident_id=resident.pk)
    except ValidationError as error:
        raise _RowRejected(_errors_from(row_number, error)) from error
    except DatabaseError as error:
        # Another writer got there first (e.g. the same NI number at the same moment).
        raise _RowRejected(
            [RowError(row_number, "", "The row could not be saved. Import the file again")]
        ) from error
    return outcome, flagged


def import_rows(
    parsed: ParsedFile,
    *,
    source: str,
    actor,
    on_progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import every row; on_progress is called after each row with the running totals."""
    summary = ImportSummary(total=len(parsed.rows))
    for row_number, row in parsed.rows:
        try:
            outcome, flagged = import_row(row_number, row, source=source, actor=actor)
        except _RowRejected as rejected:
            summary.errors.extend(rejected.errors)
        else:
            summary.created += outcome == "created"
            summary.updated += outcome == "updated"
            summary.duplicates += flagged
        summary.processed += 1
        if on_progress is not None:
            on_progress(summary)
    return summary


def clean_source(value: str) -> str:
    source = (value or "").strip()
    if not source:
        raise ValidationError(
            {"source": ["Enter the name of the system the file came from, like Academy"]}
        )
    if len(source) > _MAX_SOURCE_NAME:
        raise ValidationError(
            {"source": [f"The system's name must be {_MAX_SOURCE_NAME} characters or fewer"]}
        )
    return source


def report_rows(errors: list[dict[str, Any]]) -> Iterator[list[str]]:
    """The rejected-rows report: a header, then one line per problem."""
    yield ["row", "field", "reason"]
    for error in errors:
        yield [str(error["row"]), safe_cell(error["field"]), safe_cell(error["reason"])]


def write_report(errors: list[dict[str, Any]], stream) -> None:
    writer = csv.writer(stream)
    writer.writerows(report_rows(errors))


# --- Import jobs (the upload page and its background task) ----------------------------------


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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    from .tasks import import_task

    transaction.on_commit(lambda: import_task.enqueue(job_id=job.pk))
    return job


def run_import_job(*, job_id: int) -> None:
    """The background task's work. Safe to run twice: only a waiting job is started."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.PENDING:
            return
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
    actor = job.created_by or f"{job.source} import"

    def save_progress(summary: ImportSummary) -> None:
        if summary.processed % PROGRESS_EVERY == 0 or summary.processed == summary.total:
            ImportJob.objects.filter(pk=job_id).update(
                total_rows=summary.total,
                processed_rows=summary.processed,
                created_count=summary.created,
                updated_count=summary.updated,
                duplicate_count=summary.duplicates,
                error_count=summary.rejected,
            )

    try:
        with job.file.open("rb") as stored:
            raw = stored.read()
        summary = import_rows(
            parse_csv(raw), source=job.source, actor=actor, on_progress=save_progress
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
