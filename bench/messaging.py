#!/usr/bin/env python
"""Texts benchmark: queueing a 100,000-resident group text, pacing, and outbox throughput.

    .venv/bin/python bench/messaging.py                  # SQLite and PostgreSQL
    .venv/bin/python bench/messaging.py --db sqlite --n 20000

Builds a fresh database with N residents (a mobile, consent, a case in one team), then:
1. queues a group text to all of them (choosing recipients, rendering each text, writing the
   messages) and times it. Target: 100,000 queued in 30 s or less.
2. sends through the local outbox at a configured rate for a while and measures the rate held:
   overall and in every sliding window. Target: within 5 % of the rate, never above it.
3. sends with no rate limit for a while and prints texts a second through the outbox.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_QUEUE_SECONDS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="residents in the group")
    parser.add_argument("--rate", type=float, default=1200, help="texts a minute to pace at")
    parser.add_argument("--seconds", type=float, default=30, help="how long to send for")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args)
        return
    sys.path.insert(0, str(REPO / "src"))
    from doorstep.core.localpg import running_server

    for database in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as folder:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "doorstep.settings",
                "DOORSTEP_DATA_DIR": folder,
                "SECRET_KEY": "bench-only",
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(REPO / "src"),
                "SMS_PROVIDER": "outbox",
                "SMS_QUIET_HOURS": "",
            }
            command = [sys.executable, __file__, "--worker", *sys.argv[1:]]
            if database == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
                subprocess.run(command, env=env, check=True)  # noqa: S603
            elif database == "postgres":
                with running_server("bench") as url:
                    env["DATABASE_URL"] = url
                    subprocess.run(command, env=env, check=True)  # noqa: S603
            else:
                parser.error(f"unknown database {database!r}")


def build(n: int):
    from doorstep.cases.models import Case, CaseType
    from doorstep.core.models import Staff, Team
    from doorstep.residents.models import Phone, Resident

    team = Team.objects.create(name="Housing Needs", slug="housing-needs")
    officer = Staff.objects.create_user(
        "officer@bench.example", "unused", full_name="Bench Officer"
    )
    officer.teams.set([team])
    case_type = CaseType.objects.create(name="Housing register", reference_prefix="HR")
    batch = 10_000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        residents = Resident.objects.bulk_create(
            Resident(first_name=f"Resident{start + i}", last_name="Bench", consents_to_text=True)
            for i in range(size)
        )
        Phone.objects.bulk_create(
            Phone(
                resident=resident,
                number=f"+447{400000000 + start + i:09d}",
                is_mobile=True,
                is_primary=True,
            )
            for i, resident in enumerate(residents)
        )
        Case.objects.bulk_create(
            Case(resident=r, case_type=case_type, team=team, reference=f"HR-{start + i:07d}")
            for i, r in enumerate(residents)
        )
    return team, officer


def max_in_window(times: list[float], window: float) -> int:
    """The most sends in any window of `window` seconds (times sorted)."""
    best = 0
    for index, started in enumerate(times):
        best = max(best, bisect_left(times, started + window) - index)
    return best


def send_for(cohort_id: int, seconds: float):
    from datetime import timedelta

    from doorstep.messaging import services as cohorts
    from doorstep.messaging.models import Message

    before = set(
        Message.objects.filter(cohort_id=cohort_id, status="sent").values_list("pk", flat=True)
    )
    started = time.monotonic()
    cohorts.dispatch_cohort(cohort_id=cohort_id, budget=timedelta(seconds=seconds))
    elapsed = time.monotonic() - started
    stamps = sorted(
        moment.timestamp()
        for pk, moment in Message.objects.filter(
            cohort_id=cohort_id, sending_at__isnull=False
        ).values_list("pk", "sending_at")
        if pk not in before
    )
    return elapsed, stamps


def run_worker(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from doorstep.messaging import services as cohorts
    from doorstep.messaging.models import Message, ProviderPace

    call_command("migrate", verbosity=0)
    print(f"\n== {connection.vendor}: group text to {args.n:,} residents ==")
    started = time.monotonic()
    team, officer = build(args.n)
    print(f"built in {time.monotonic() - started:.0f} s")

    cohort = cohorts.create_cohort(
        name="Bench", criteria={"team": team.pk}, body="Hello ((first name)), bench", actor=officer
    )
    started = time.monotonic()
    queued = cohorts.queue_cohort(cohort_id=cohort.pk)
    seconds = time.monotonic() - started
    verdict = "ok" if seconds <= TARGET_QUEUE_SECONDS and queued == args.n else "OVER TARGET"
    print(
        f"queued {queued:,} texts in {seconds:.1f} s "
        f"({queued / seconds:,.0f} a second; target ≤ {TARGET_QUEUE_SECONDS} s for 100,000): {verdict}"
    )

    # Pacing at the configured rate.
    settings.SMS_RATE_PER_MINUTE = args.rate
    ProviderPace.objects.all().delete()
    elapsed, stamps = send_for(cohort.pk, args.seconds)
    per_second = args.rate / 60
    if len(stamps) > 1:
        span = stamps[-1] - stamps[0]
        achieved = (len(stamps) - 1) / span * 60 if span else 0
        window = 10.0
        allowed_in_window = per_second * window + 1  # the bucket holds one token
        busiest = max_in_window(stamps, window)
        within = abs(achieved - args.rate) / args.rate * 100
        verdict = "ok" if within <= 5 and busiest <= allowed_in_window else "OVER TARGET"
        print(
            f"paced at {args.rate:,.0f}/min for {elapsed:.0f} s: {len(stamps):,} sent, "
            f"{achieved:,.0f}/min achieved ({within:.1f} % from the rate; target ≤ 5 %), "
            f"busiest {window:.0f} s window {busiest} (allowed {allowed_in_window:.0f}): {verdict}"
        )

    # Throughput with no limit.
    settings.SMS_RATE_PER_MINUTE = None
    elapsed, stamps = send_for(cohort.pk, args.seconds / 2)
    print(
        f"unpaced through the local outbox: {len(stamps):,} texts in {elapsed:.1f} s = "
        f"{len(stamps) / elapsed:,.0f} a second ({len(stamps) / elapsed * 60:,.0f} a minute)"
    )
    left = Message.objects.filter(cohort=cohort, status="queued").count()
    print(f"({left:,} left queued; the benchmark stops here)")


if __name__ == "__main__":
    main()
