"""manage.py seed_lettings [--seed N] [--years 3] [--lets-per-year 1200] [--applications N]"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doorstep.housing import seeding, services


class Command(BaseCommand):
    help = (
        "Replace the lettings and register data with realistic synthetic data (bands as "
        "configured, 1 to 4 bedrooms, larger homes scarcer, band A housed fastest), link some "
        "residents to register applications, and work out the estimates. For demos only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=None, help="The same seed gives the same data"
        )
        parser.add_argument("--years", type=int, default=3, help="Years of lettings (default 3)")
        parser.add_argument("--lets-per-year", type=int, default=1200)
        parser.add_argument(
            "--applications",
            type=int,
            default=None,
            help="Households on the register (default: in balance with the lettings)",
        )
        parser.add_argument(
            "--link-residents",
            type=int,
            default=50,
            help="How many residents to link to an application (default 50)",
        )
        parser.add_argument(
            "--end-date",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date of the latest let, like 2025-03-31 (default today)",
        )

    def handle(self, *args, **options):
        for name in ("years", "lets_per_year", "applications", "link_residents"):
            if (options[name] or 0) < 0:
                raise CommandError(f"--{name.replace('_', '-')} must be 0 or more")
        if options["years"] < 1:
            raise CommandError("--years must be 1 or more")
        seed = options["seed"]
        if seed is None:
            seed = random.SystemRandom().randint(1, 999_999)
        summary = seeding.seed_lettings(
            seed=seed,
            end=options["end_date"] or timezone.localdate(),
            years=options["years"],
            lets_per_year=options["lets_per_year"],
            applications=options["applications"],
            link_residents=options["link_residents"],
        )
        estimates = services.recompute_estimates(actor="seed_lettings")
        self.stdout.write(
            f"Added {summary.lettings:,} lettings ({summary.start:%d %b %Y} to "
            f"{summary.end:%d %b %Y}) and {summary.applications:,} register applications "
            f"(seed {seed}; repeat with --seed {seed}); {summary.linked} residents linked; "
            f"{estimates} estimates worked out."
        )
