import random
import time

from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from doorstep.demo import services
from doorstep.residents.models import Resident

LOCAL_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = (
        "Load realistic demo residents, households, cases, tasks and notes, and make sure a demo "
        "staff account exists for each role. Never run this on a live system: the demo "
        "accounts share a published password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents",
            type=int,
            default=2000,
            help="How many residents to add (default 2,000)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="Seed for the random data: the same seed gives the same residents",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only add residents when there are none yet (staff accounts are always made)",
        )

    def handle(self, *args, residents: int, seed: int | None, if_empty: bool, **options):
        if residents < 0:
            raise CommandError("--residents must be 0 or more")
        # The demo's staff and Digital Friends are made up: the e-mails seeding would send them
        # (invitations, reply alerts) are kept in memory, not printed or sent.
        with override_settings(EMAIL_BACKEND=LOCAL_EMAIL):
            kept_before = len(getattr(mail, "outbox", []))
            self._seed(residents=residents, seed=seed, if_empty=if_empty)
            kept = len(getattr(mail, "outbox", [])) - kept_before
        if kept:
            self.stdout.write(f"  {kept:,} e-mails to demo staff and Digital Friends not sent")
        # Last, so the accounts are what is on screen when seeding ends.
        self._accounts()

    def _seed(self, *, residents: int, seed: int | None, if_empty: bool) -> None:
        started = time.perf_counter()
        staff = services.ensure_demo_staff()
        if if_empty and Resident.objects.exists():
            self.stdout.write("Residents already exist, so no demo residents were added.")
        elif residents:
            if seed is None:
                seed = random.SystemRandom().randint(1, 999_999)
            result = services.seed_residents(count=residents, seed=seed, staff=staff)
            self._report(result, time.perf_counter() - started)
            for summary in services.seed_capabilities(seed=seed, staff=staff, newest=residents):
                self.stdout.write(summary)

    def _report(self, result: services.SeedResult, seconds: float) -> None:
        people, work = result.people, result.work
        teams = ", ".join(f"{count:,} {team}" for team, count in work.by_team.items())
        lines = [
            f"Added demo data in {seconds:.1f} s (seed {result.seed}; repeat with --seed "
            f"{result.seed}):",
            f"  {len(people.residents):,} residents with {people.phones:,} phone numbers and "
            f"{people.identifiers:,} legacy identifiers",
            f"  {people.households:,} households with {people.household_members:,} members",
            f"  {work.cases:,} cases ({teams}), {work.tasks:,} tasks, {work.notes:,} case notes",
            f"  {people.notes:,} notes and {people.flags:,} flags",
            f"  {result.timeline_events:,} timeline events and {result.audit_records:,} audit records",
            f"  {work.tasks_for_demo_officer:,} open tasks in the demo officer's work queue",
        ]
        self.stdout.write("\n".join(lines))

    def _accounts(self) -> None:
        width = max(len(account.email) for account in services.DEMO_ACCOUNTS)
        self.stdout.write("")
        self.stdout.write(f"Demo accounts, all with the password {services.DEMO_PASSWORD!r}:")
        self.stdout.write(f"  {'Role':<15} {'E-mail':<{width}}  Password")
        for account in services.DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.role:<15} {account.email:<{width}}  {services.DEMO_PASSWORD}"
            )
        self.stdout.write(
            "  The Administrator sets up two-factor sign-in (an authenticator app) at first "
            "sign-in.\n  These accounts are for trying Doorstep only: never load demo data on "
            "a live system."
        )
