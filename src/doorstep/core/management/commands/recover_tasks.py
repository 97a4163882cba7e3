"""manage.py recover_tasks [--loop SECONDS]"""

import time

from django.core.management.base import BaseCommand

from doorstep.core.task_recovery import fail_abandoned_task_rows


class Command(BaseCommand):
    help = (
        "Mark as failed, with the reason, the task rows left running by a task_worker that "
        "died (its heartbeat stopped for WORK_LEASE_SECONDS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="keep running, checking this often"
        )

    def handle(self, *args, loop=None, **options):
        while True:
            failed = fail_abandoned_task_rows()
            if options["verbosity"] > 1 or not loop:
                self.stdout.write(f"{failed} task rows of dead workers marked failed")
            if not loop:
                return
            time.sleep(loop)
