"""manage.py recompute_housing_estimates"""

import time

from django.core.management.base import BaseCommand

from doorstep.housing import services


class Command(BaseCommand):
    help = (
        "Work out every band and bedroom waiting-time estimate again from the lettings and "
        "register data, and store them for the pages. Uploads do this by themselves."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = services.recompute_estimates(actor="recompute_housing_estimates command")
        self.stdout.write(f"Worked out {count} estimates in {time.perf_counter() - started:.2f} s")
