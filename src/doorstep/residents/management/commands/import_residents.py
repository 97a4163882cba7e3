"""manage.py import_residents FILE.csv --source NAME"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from doorstep.core import audit
from doorstep.residents import importing

_COLUMN_HELP = "; ".join(
    f"{name} ({description})" if description else name for name, description in importing.COLUMNS
)


class Command(BaseCommand):
    help = (
        "Import residents from a legacy system's CSV file (UTF-8, comma separated, at most "
        f"{importing.MAX_FILE_BYTES // (1024 * 1024)} MB, column names in the first row). "
        f"Columns: {_COLUMN_HELP}. Dates may be YYYY-MM-DD or DD/MM/YYYY. "
        "Rows already imported from the same source are updated, so importing a file again "
        "is safe. Rejected rows are written to a report file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file to import")
        parser.add_argument(
            "--source",
            required=True,
            help="The name of the legacy system the file came from, like Academy",
        )
        parser.add_argument(
            "--report",
            type=Path,
            help="Where to write the rejected rows (default: next to the file, "
            "named FILE-rejected-DATE.csv)",
        )
        parser.add_argument(
            "--staff",
            metavar="EMAIL",
            help="The staff member to record as doing the import (default: the command)",
        )

    def handle(self, *args, file: Path, source: str, report: Path | None, staff, **options):
        try:
            source = importing.clean_source(source)
        except ValidationError as error:
            raise CommandError(error.message_dict["source"][0]) from error
        if not file.is_file():
            raise CommandError(f"There is no file at {file}")
        if file.stat().st_size > importing.MAX_FILE_BYTES:
            raise CommandError(
                f"The file must be smaller than {importing.MAX_FILE_BYTES // (1024 * 1024)} MB. "
                "Split it into smaller files and import each one"
            )
        actor = "import_residents command"
        if staff:
            actor = get_user_model().objects.filter(email__iexact=staff, is_active=True).first()
            if actor is None:
                raise CommandError(f"There is no active staff member with the e-mail {staff}")
        try:
            parsed = importing.parse_csv(file.read_bytes())
        except importing.ImportFileError as error:
            raise CommandError(error.message) from error

        audit.record(
            actor=actor,
            action="import",
            object_type="import_file",
            object_id=file.name,
            detail=f"Started {file.name} from {source}: {len(parsed.rows)} rows",
        )
        with tqdm(
            total=len(parsed.rows),
            unit="row",
            desc="Importing",
            disable=options["verbosity"] == 0,
        ) as bar:
            summary = importing.import_rows(
                parsed, source=source, actor=actor, on_progress=lambda _: bar.update(1)
            )
        audit.record(
            actor=actor,
            action="import",
            object_type="import_file",
            object_id=file.name,
            detail=(
                f"Finished {file.name}: {summary.created} created, {summary.updated} updated, "
                f"{summary.duplicates} possible duplicates, {summary.rejected} rows rejected"
            ),
        )

        self.stdout.write(f"Created: {summary.created}")
        self.stdout.write(f"Updated: {summary.updated}")
        self.stdout.write(f"Unchanged: {summary.unchanged}")
        self.stdout.write(f"Possible duplicates flagged: {summary.duplicates}")
        self.stdout.write(f"Rejected: {summary.rejected}")
        if summary.errors:
            if report is None:
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                report = file.with_name(f"{file.stem}-rejected-{stamp}.csv")
            with report.open("w", newline="", encoding="utf-8") as stream:
                importing.write_report([error.as_dict() for error in summary.errors], stream)
            self.stdout.write(
                self.style.WARNING(f"The rejected rows and the reasons are in {report}")
            )
        else:
            self.stdout.write(self.style.SUCCESS("No rows were rejected"))
