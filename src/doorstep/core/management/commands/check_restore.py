import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from doorstep.core.backup import BackupError
from doorstep.core.restore import check_restore


class Command(BaseCommand):
    help = (
        "After a restore: compare record counts with the backup's manifest, check the audit "
        "chain against its checkpoint and decrypt every stored document."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)

    def handle(self, *args, source, **options):
        try:
            result = check_restore(source)
        except BackupError as error:
            self.stderr.write(str(error))
            sys.exit(1)
        self.stdout.write(
            f"Documents restored: {result.documents_readable} / {result.documents_before}"
        )
        for name in result.unreadable:
            self.stderr.write(f"Cannot read document {name}")
        for table, (expected, found) in sorted(result.count_differences.items()):
            self.stderr.write(f"{table}: {found} records, the backup had {expected}")
        report = result.chain
        self.stdout.write(
            f"Audit log: {report.checked} records checked, "
            + ("intact" if report.ok else f"broken at {report.broken_at}: {report.reason}")
        )
        if not result.ok:
            sys.exit(1)
        self.stdout.write("Restore checked: everything is back.")
