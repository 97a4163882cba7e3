"""A legacy system's CSV file of residents: its columns, reading it, and checking each row.

Nothing here writes; `importing` imports the rows this module reads and checks.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from doorstep.core import csvfiles
from doorstep.core.csvfiles import safe_cell, write_rows

from .models import ExternalIdentifier, Resident

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


class RowRejected(Exception):
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


def row_to_data(row_number: int, row: dict[str, str]) -> tuple[str, dict[str, Any], list[RowError]]:
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


def errors_from(row_number: int, error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(row_number, "", message) for message in error.messages]
    column = {"phones": "phone"}
    return [
        RowError(row_number, column.get(name, name), message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


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
    write_rows(stream, report_rows(errors))
