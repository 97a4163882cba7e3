import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from doorstep.core.backup import BackupError, backup
from doorstep.core.checkpoints import AuditKeyMissing


class Command(BaseCommand):
    help = (
        "Back up the database, the evidence store, MEDIA_ROOT, the key files and the audit "
        "checkpoints into DEST (a new folder; everything in it is private to this account)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path)
        parser.add_argument(
            "--without-keys",
            action="store_true",
            help="leave the keys out (keep them elsewhere; restore needs them back with --keys)",
        )

    def handle(self, *args, destination, without_keys=False, **options):
        try:
            manifest = backup(destination, keys=not without_keys)
        except (BackupError, AuditKeyMissing) as error:
            self.stderr.write(f"Backup failed: {error}")
            sys.exit(1)
        self.stdout.write(
            f"Backed up to {destination}: {sum(manifest['tables'].values())} rows in "
            f"{len(manifest['tables'])} tables, {len(manifest['documents'])} documents, "
            f"keys: {', '.join(manifest['keys']) or 'left out'}."
        )
