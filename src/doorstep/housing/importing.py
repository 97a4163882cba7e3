"""Reading and checking the three CSV files: lettings, register applications, register make-up.

Rules for every file:
- Encoding: UTF-8 (with or without the byte-order mark Excel adds), or UTF-16 with its
  byte-order mark (Excel's "Unicode text", which is tab-separated). Anything else, such as
  Windows-1252 from an older "CSV (comma delimited)" export, is refused with a message saying
  how to save it as UTF-8: guessing an 8-bit encoding can silently change characters.
- Comma-separated, or tab-separated when the first row has tabs and no commas.
- Column names in the first row, in any order and case; spaces count as underscores.
- Every row is checked; if any row has a problem nothing is imported, and every problem is
  reported with its row number (as a spreadsheet shows it: the column names are row 1), the
  column and a plain-English message.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from doorstep.core import csvfiles
from doorstep.core.csvfiles import safe_cell

from .models import BEDROOM_SIZES, MAX_BEDROOMS, MIN_BEDROOMS, Upload

MAX_FILE_BYTES = 50 * 1024 * 1024
# The upload record keeps this many problems; the count says how many there were.
MAX_ERRORS_KEPT = 500

# (column, required, what it holds) for each kind of file.
COLUMNS: dict[str, list[tuple[str, bool, str]]] = {
    Upload.Kind.LETTINGS: [
        ("let_date", True, "The date the home was let, like 2024-03-31 or 31/03/2024"),
        ("band", True, "The band or priority group of the household housed, like A"),
        (
            "bedrooms",
            True,
            f"The home's bedrooms, {MIN_BEDROOMS} to {MAX_BEDROOMS} (a studio is 1)",
        ),
        ("property_type", False, "Flat, house, maisonette, bungalow..."),
        ("effective_date", True, "The household's effective date (or the date they joined)"),
        (
            "let_reference",
            False,
            "The tenancy or property reference. Without it, two identical rows are refused "
            "as a duplicate",
        ),
    ],
    Upload.Kind.APPLICATIONS: [
        ("reference", True, "The register reference, like HR123456"),
        ("band", True, "The band or priority group, like B"),
        ("bedrooms", True, f"The bedroom need, {MIN_BEDROOMS} to {MAX_BEDROOMS}"),
        ("effective_date", True, "The date the household's place in the band counts from"),
        (
            "date_of_birth",
            False,
            "The lead applicant's date of birth; without it the household cannot look up "
            "their own position",
        ),
    ],
    Upload.Kind.MAKEUP: [
        ("band", True, "The band or priority group, like C"),
        ("bedrooms", True, f"The bedroom need, {MIN_BEDROOMS} to {MAX_BEDROOMS}"),
        ("households", True, "How many households are waiting, 0 or more"),
    ],
}


# The whole file is refused; `message` says why in plain English.
FileRefused = csvfiles.CsvFileRefused


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Checked:
    """Cleaned rows ready to save, or the problems that stop the file being imported."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0


# --- The file as a whole -------------------------------------------------------------------


def read_rows(raw: bytes, kind: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The column names and the non-blank rows (values trimmed), numbered as a spreadsheet does."""
    known = [name for name, _, _ in COLUMNS[kind]]
    columns, rows = csvfiles.read_csv(
        raw,
        max_bytes=MAX_FILE_BYTES,
        column_name=lambda name: name.strip().lower().replace(" ", "_"),
        check_columns=lambda columns: csvfiles.check_columns(
            columns,
            known=known,
            required=[name for name, required, _ in COLUMNS[kind] if required],
            known_hint=f"the columns for this file are {', '.join(known)}",
        ),
    )
    return columns, [(number, {k: v.strip() for k, v in row.items()}) for number, row in rows]


# --- Values --------------------------------------------------------------------------------


class _Bad(Exception):
    pass


def parse_date(value: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise _Bad


class RowChecker:
    """Collects the problems in one row, column by column."""

    def __init__(self, number: int, row: dict[str, str], bands: dict[str, Any], today):
        self.number = number
        self.row = row
        self.bands = bands
        self.today = today
        self.errors: list[RowError] = []
        if "" in row:
            self.error("", "The row has more values than there are column names")

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, label: str, max_length: int, required: bool = False) -> str:
        value = self.row.get(column, "")
        if required and not value:
            self.error(column, f"Enter the {label}")
        elif len(value) > max_length:
            self.error(column, f"The {label} must be {max_length} characters or fewer")
        return value

    def date(self, column: str, label: str, required: bool = True) -> datetime.date | None:
        value = self.row.get(column, "")
        if not value:
            if required:
                self.error(column, f"Enter the {label}")
            return None
        try:
            day = parse_date(value)
        except _Bad:
            self.error(
                column,
                f"The {label} must be a real date, like 2024-03-31 or 31/03/2024, not '{value[:20]}'",
            )
            return None
        if day > self.today:
            self.error(column, f"The {label} must be today or in the past")
            return None
        if day.year < 1900:
            self.error(column, f"The {label} must be after 1900")
            return None
        return day

    def band(self):
        value = self.row.get("band", "")
        if not value:
            self.error("band", "Enter the band")
            return None
        band = self.bands.get(value.upper())
        if band is None:
            names = ", ".join(sorted(self.bands, key=lambda name: self.bands[name].rank))
            self.error(
                "band",
                f"'{value[:20]}' is not a band. Use one of {names} (an Administrator can add bands)",
            )
        return band

    def bedrooms(self) -> int | None:
        value = self.row.get("bedrooms", "")
        if not value:
            self.error("bedrooms", "Enter the number of bedrooms")
            return None
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number < MIN_BEDROOMS:
            self.error(
                "bedrooms",
                f"Bedrooms must be a whole number from {MIN_BEDROOMS} to {MAX_BEDROOMS}, "
                f"not '{value[:20]}' (count a studio or bedsit as 1)",
            )
            return None
        # "5 or more" is one group: a 6-bedroom need waits with the 5-bedroom ones.
        return min(number, BEDROOM_SIZES[-1])


# --- Each kind of file ----------------------------------------------------------------------


def _check_letting(checker: RowChecker) -> dict[str, Any]:
    let_on = checker.date("let_date", "date let")
    effective = checker.date("effective_date", "effective date")
    if let_on and effective and effective > let_on:
        checker.error(
            "effective_date", "The effective date must be on or before the date the home was let"
        )
    return {
        "let_on": let_on,
        "band": checker.band(),
        "bedrooms": checker.bedrooms(),
        "property_type": checker.text("property_type", "property type", 60),
        "effective_date": effective,
        "let_reference": checker.text("let_reference", "let reference", 60),
    }


def _check_application(checker: RowChecker) -> dict[str, Any]:
    return {
        "reference": checker.text("reference", "register reference", 40, required=True),
        "band": checker.band(),
        "bedrooms": checker.bedrooms(),
        "effective_date": checker.date("effective_date", "effective date"),
        "lead_date_of_birth": checker.date("date_of_birth", "date of birth", required=False),
    }


def _check_count(checker: RowChecker) -> dict[str, Any]:
    value = checker.row.get("households", "")
    households = None
    if not value:
        checker.error("households", "Enter the number of households waiting")
    else:
        try:
            households = int(value.replace(",", ""))
        except ValueError:
            checker.error(
                "households",
                f"Households waiting must be a whole number, like 120, not '{value[:20]}'",
            )
        else:
            if households < 0:
                checker.error("households", "Households waiting must be 0 or more")
                households = None
    return {"band": checker.band(), "bedrooms": checker.bedrooms(), "households": households}


def _duplicate_key(kind: str, columns: list[str], row: dict[str, Any], raw: dict[str, str]):
    """What makes two rows the same thing, and the column to name when they are."""
    if kind == Upload.Kind.APPLICATIONS:
        return row["reference"].upper() or None, "reference"
    if kind == Upload.Kind.MAKEUP:
        if row["band"] is None or row["bedrooms"] is None:
            return None, ""
        return (row["band"].pk, row["bedrooms"]), "bedrooms"
    if row["let_reference"]:
        return ("ref", row["let_reference"].upper()), "let_reference"
    return tuple(raw.get(name, "") for name in columns), ""


_CHECKERS: dict[str, Callable[[RowChecker], dict[str, Any]]] = {
    Upload.Kind.LETTINGS: _check_letting,
    Upload.Kind.APPLICATIONS: _check_application,
    Upload.Kind.MAKEUP: _check_count,
}
_DUPLICATE_MESSAGES = {
    Upload.Kind.LETTINGS: "This row is the same as row {first}. Remove one of them, or add a "
    "let_reference column if they are different lets",
    Upload.Kind.APPLICATIONS: "The reference is also on row {first}. Each application must "
    "appear once",
    Upload.Kind.MAKEUP: "This band and bedroom need is also on row {first}. Give each once",
}


def check_rows(
    kind: str, columns: list[str], rows: list[tuple[int, dict[str, str]]], *, bands, today
) -> Checked:
    """Check every row; the cleaned rows are only for saving when there are no errors."""
    checked = Checked(row_count=len(rows))
    seen: dict[Any, int] = {}
    for number, raw in rows:
        checker = RowChecker(number, raw, bands, today)
        cleaned = _CHECKERS[kind](checker)
        key, column = _duplicate_key(kind, columns, cleaned, raw)
        if key is not None:
            if key in seen:
                checker.error(column, _DUPLICATE_MESSAGES[kind].format(first=seen[key]))
            else:
                seen[key] = number
        if checker.errors:
            checked.errors.extend(checker.errors)
        elif not checked.errors:
            checked.rows.append(cleaned)
    if checked.errors:
        checked.rows = []
    return checked


def report_rows(errors: list[dict[str, Any]]) -> Iterator[list[str]]:
    yield ["row", "column", "problem"]
    for error in errors:
        yield [str(error["row"]), safe_cell(error["column"]), safe_cell(error["message"])]
