"""manage.py residents_sweep [--loop SECONDS]"""

import time

from django.core.management.base import BaseCommand

from doorstep.residents.tasks import requeue_interrupted_imports


class Command(BaseCommand):
    help = (
        "Queue again resident imports whose worker died mid-way (its lease ran out) or whose "
        "task was lost; each carries on from the rows it saved as done."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="keep running, sweeping this often"
        )

    def handle(self, *args, loop=None, **options):
        while True:
            queued = requeue_interrupted_imports()
            if options["verbosity"] > 1 or not loop:
                self.stdout.write(f"{queued} interrupted imports queued again")
            if not loop:
                return
            time.sleep(loop)
