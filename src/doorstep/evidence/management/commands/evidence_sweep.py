import time

from django.core.management.base import BaseCommand

from doorstep.evidence.tasks import requeue_stuck_uploads


class Command(BaseCommand):
    help = "Queue again uploads whose processing task was lost (a worker died or a queue was lost)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="keep running, sweeping this often"
        )

    def handle(self, *args, loop=None, **options):
        while True:
            queued = requeue_stuck_uploads()
            if options["verbosity"] > 1 or not loop:
                self.stdout.write(f"{queued} uploads queued again for checking")
            if not loop:
                return
            time.sleep(loop)
