import sys
import time

from django.core.management.base import BaseCommand

from doorstep.core import checkpoints, sealing


class Command(BaseCommand):
    help = (
        "Seal new audit records into the keyed chain and write a checkpoint (a background task "
        "does this moments after records are written; --loop keeps doing it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="repeat every SECONDS")

    def handle(self, *args, loop=None, **options):
        while True:
            try:
                sealed = sealing.seal()
            except (checkpoints.AuditKeyMissing, sealing.AuditIntegrityError) as error:
                self.stderr.write(f"Audit records not sealed: {error}")
                sys.exit(1)
            self.stdout.write(f"Sealed {sealed} audit records.")
            if not loop:
                return
            time.sleep(loop)
