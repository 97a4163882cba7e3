import time

from django.core.management.base import BaseCommand

from doorstep.messaging.sweep import sweep


class Command(BaseCommand):
    help = "Send late texts, recover interrupted sends, fetch missing statuses and replies."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="keep running, sweeping this often"
        )

    def handle(self, *args, loop=None, **options):
        while True:
            report = sweep()
            if options["verbosity"] > 1 or not loop:
                self.stdout.write(str(report))
            if not loop:
                return
            time.sleep(loop)
