import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from doorstep.core.backup import BackupError
from doorstep.core.restore import restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database, with its documents, "
        "keys and audit checkpoints; then run `manage.py check_restore SRC`."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already has records"
        )
        parser.add_argument("--keys", type=Path, help="the key folder, if kept apart from SRC")

    def handle(self, *args, source, force=False, keys=None, **options):
        try:
            manifest = restore(source, force=force, keys_dir=keys)
        except BackupError as error:
            self.stderr.write(f"Not restored: {error}")
            sys.exit(1)
        self.stdout.write(
            f"Restored {source} (made {manifest['created']}): {len(manifest['documents'])} "
            "documents. Now run: manage.py check_restore " + str(source)
        )
