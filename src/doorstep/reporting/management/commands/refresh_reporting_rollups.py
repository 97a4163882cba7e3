from django.core.management.base import BaseCommand

from doorstep.reporting import rollups, summary


class Command(BaseCommand):
    help = "Roll up service events for management information (run nightly, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=0,
            help="also rebuild this many of the most recent days, whatever changed",
        )

    def handle(self, *args, days: int, **options):
        rebuilt = rollups.refresh(rebuild_days=days)
        summary.warm_cache()
        if rebuilt:
            self.stdout.write(f"Rolled up {len(rebuilt)} days: {rebuilt[0]} to {rebuilt[-1]}")
        else:
            self.stdout.write("Nothing to roll up")
