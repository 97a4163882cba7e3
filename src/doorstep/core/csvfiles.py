"""Reading CSV files that staff upload from spreadsheets, and writing safe CSV reports.

Rules for every uploaded file:
- Encoding: UTF-8 (with or without the byte-order mark Excel adds), or UTF-16 with its
  byte-order mark (Excel's "Unicode text", which is tab-separated). Anything else, such as
  Windows-1252 from an older "CSV (comma delimited)" export, is refused with a message saying
  how to save it as UTF-8: guessing an 8-bit encoding can silently change characters.
- Comma-separated, or tab-separated when the first row has tabs and no commas.
- Column names in the first row, in any order and case.
- Blank rows are skipped; rows are numbered as a spreadsheet shows them (the names are row 1).
"""

import csv
import io
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.http import HttpResponse

SAVE_AS_UTF8 = (
    "In your spreadsheet choose 'Save as' and 'CSV UTF-8 (comma delimited)', "
    "then upload the new file"
)


class CsvFileRefused(Exception):
    """The file as a whole can't be read; `message` says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise CsvFileRefused(
                f"The file says it is UTF-16 but part of it is not. {SAVE_AS_UTF8}"
            ) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileRefused(
            "The file is not saved as UTF-8, so some characters cannot be read (for example "
            f"£ or accented letters from an older Excel 'CSV' file). {SAVE_AS_UTF8}"
        ) from error
    if "\x00" in text:
        raise CsvFileRefused(f"The file is not a CSV text file. {SAVE_AS_UTF8}")
    return text


def _column_name(name: str) -> str:
    return name.strip().lower()


def read_csv(
    raw: bytes,
    *,
    max_bytes: int,
    what: str = "rows",
    max_rows: int | None = None,
    column_name: Callable[[str], str] = _column_name,
    check_columns: Callable[[list[str]], None] | None = None,
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The column names and the non-blank rows of an uploaded file, or CsvFileRefused.

    `what` names the rows in messages ("rows of residents"); `check_columns` may refuse the
    header (see `check_columns`). Values beyond the last column are kept under the key "".
    """
    if len(raw) > max_bytes:
        raise CsvFileRefused(
            f"The file must be smaller than {max_bytes // (1024 * 1024)} MB. "
            "Split it into smaller files and upload each one"
        )
    text = decode(raw)
    if not text.strip():
        raise CsvFileRefused("The file is empty. Choose a CSV file with a row of column names")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        columns = [column_name(name) for name in next(reader)]
        if not any(columns):
            raise CsvFileRefused("The first row of the file must hold the column names")
        if check_columns:
            check_columns(columns)
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue  # spreadsheets often leave blank rows at the end
            row = dict(zip(columns, values, strict=False))
            extra = values[len(columns) :]
            if any(value.strip() for value in extra):
                row[""] = delimiter.join(extra)
            rows.append((number, row))
            if max_rows is not None and len(rows) > max_rows:
                raise CsvFileRefused(f"The file must have {max_rows:,} {what} or fewer")
    except csv.Error as error:
        raise CsvFileRefused(
            f"The file could not be read as CSV on line {reader.line_num}: {error}"
        ) from error
    if not rows:
        raise CsvFileRefused(f"The file has column names but no {what}")
    return columns, rows


def check_columns(
    columns: list[str], *, known: Iterable[str], required: Iterable[str], known_hint: str
) -> None:
    """Refuse unknown, repeated and missing columns; `known_hint` tells where the list is."""
    known = list(known)
    unknown = [name for name in columns if name not in known]
    if unknown:
        names = ", ".join(f"'{name}'" if name else "(a blank column name)" for name in unknown)
        raise CsvFileRefused(
            f"The file has columns that Doorstep does not know: {names}. "
            f"Rename or remove them; {known_hint}"
        )
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise CsvFileRefused(
            f"The file has more than one column called {', '.join(repeated)}. Keep only one"
        )
    missing = [name for name in required if name not in columns]
    if missing:
        raise CsvFileRefused(
            f"The file must have a column called {' and '.join(missing)}. "
            "Add it, or rename the column that holds it"
        )


def safe_cell(value) -> str:
    """A value for a CSV that people open in a spreadsheet.

    Text starting like a formula would run when opened, so it gets a leading apostrophe.
    Numbers are written as they are.
    """
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_rows(stream, rows: Iterable[Iterable]) -> None:
    """Write CSV rows with every cell made safe for spreadsheets (see safe_cell)."""
    csv.writer(stream).writerows([safe_cell(cell) for cell in row] for row in rows)


def csv_download(filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV file to download: UTF-8 that spreadsheets recognise, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so spreadsheets read the file as UTF-8
    write_rows(response, rows)
    return response
