#!/usr/bin/env python
"""Single View benchmark: a resident with 1,000 timeline events, beside a bare Django view.

    .venv/bin/python bench/single_view.py                        # SQLite in a temporary folder
    .venv/bin/python bench/single_view.py --database postgres    # a throwaway PostgreSQL server

Builds a fresh database, signs an officer in with django.test.Client and asks for
/residents/<id>/ many times, timing each request in the server process and counting its SQL
queries. The bare view goes through the same middleware (session, sign-in, two-factor check),
so the difference between the two is the Single View's own cost.
Target: p95 at most 150 ms and at most 18 queries (15 before capability panels). --check exits with 1 when over target;
--show-queries prints the Single View's SQL.
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

TARGET_P95_MS = 150
# 14 for the record itself (see docs/performance.md) and 9 for the capability panels:
# vulnerability 1, texts 2, the header's unread-texts count 1, documents 1, shared plan 1,
# digital inclusion 3 (the same budget as tests/residents/test_single_view.py, less savepoints).
TARGET_QUERIES = 23
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


def build_resident(events: int):
    from django.utils import timezone

    from doorstep.cases import services as case_services
    from doorstep.cases.models import CaseType
    from doorstep.core import roles
    from doorstep.core.models import Staff, Team, TimelineEvent
    from doorstep.residents import services
    from doorstep.residents.models import (
        ExternalIdentifier,
        Household,
        HouseholdMember,
        Resident,
    )

    team = Team.objects.create(name="Housing Needs", slug="housing-needs")
    officer = Staff.objects.create_user(
        "officer@bench.example", "unused", full_name="Bench Officer"
    )
    officer.groups.set([roles_group(roles.OFFICER)])
    officer.teams.set([team])
    resident = services.create_resident(
        actor=officer,
        data={
            "first_name": "Patricia",
            "last_name": "Okonkwo",
            "date_of_birth": "1968-04-12",
            "national_insurance_number": "JH123456C",
            "email": "patricia@example.com",
            "address_line_1": "Flat 12, Pembury House",
            "address_line_2": "Dalston Lane",
            "town": "London",
            "postcode": "E8 1DY",
            "consents_to_text": True,
            "phones": ["07700 900 982", "01632 960 001"],
        },
    )
    ExternalIdentifier.objects.create(resident=resident, source="Academy", value="10234567")
    household = Household.objects.create(name="Okonkwo household")
    HouseholdMember.objects.create(household=household, resident=resident, relationship="lead")
    for first_name, relationship in [("David", "partner"), ("Grace", "child"), ("Sam", "child")]:
        member = Resident.objects.create(first_name=first_name, last_name="Okonkwo")
        HouseholdMember.objects.create(
            household=household, resident=member, relationship=relationship
        )
    services.add_flag(
        actor=officer, resident=resident, kind="vulnerability", description="Recently bereaved"
    )
    services.add_flag(
        actor=officer,
        resident=resident,
        kind="safeguarding",
        description="Do not send letters to the home address",
    )
    for name, prefix in [("Housing register", "HR"), ("Homelessness", "HL"), ("Benefits", "BN")]:
        case_type = CaseType.objects.create(name=name, reference_prefix=prefix, default_team=team)
        case = case_services.open_case(
            actor=officer,
            resident=resident,
            case_type=case_type,
            team=team,
            owner=officer,
            summary=f"{name} case",
            due_date=timezone.localdate() + datetime.timedelta(days=14),
        )
        for number in range(3):
            case_services.add_task(
                actor=officer,
                case=case,
                title=f"Task {number + 1} for {case.reference}",
                due_date=timezone.localdate() + datetime.timedelta(days=number - 1),
                assignee=officer,
            )
    # The rest of 1,000 events, spread over a year, from every kind and with an actor.
    kinds = ["note", "record", "case", "task"]
    now = timezone.now()
    existing = TimelineEvent.objects.filter(resident_id=resident.pk).count()
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            resident_id=resident.pk,
            kind=kinds[number % len(kinds)],
            summary=f"Event {number}",
            body="Spoke to the resident about their documents." if number % 3 == 0 else "",
            actor=officer,
            occurred_at=now - datetime.timedelta(minutes=525 * number),
        )
        for number in range(events - existing)
    )
    return officer, resident


def roles_group(name: str):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def measure(client, url: str, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(10):  # warm caches: templates, URL resolvers, database pages
        client.get(url)
    timings, cpu_timings, queries, statements = [], [], [], []
    captured = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as context:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        captured = context.captured_queries
        statements.append(len(captured))
        # SQLite logs BEGIN and COMMIT as statements, PostgreSQL does not: count them apart.
        queries.append(sum(1 for query in captured if not TRANSACTION_CONTROL.match(query["sql"])))
    timings.sort()
    cpu_timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 95),
        "max": timings[-1],
        "cpu_p95": percentile(cpu_timings, 95),
        "queries": max(queries),
        "statements": max(statements),
        "sql": captured,
        "bytes": len(response.content),
    }


def percentile(ordered: list[float], percent: int) -> float:
    return ordered[round(percent / 100 * (len(ordered) - 1))]


def run(args) -> int:
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import clear_url_caches, include, path

    django.setup()
    call_command("migrate", verbosity=0)
    officer, resident = build_resident(args.events)

    urls = types.ModuleType("bench_single_view_urls")
    urls.urlpatterns = [path("bench/bare/", bare), path("", include("doorstep.urls"))]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    clear_url_caches()

    client = Client()
    client.force_login(officer)
    results = {
        "bare view": measure(client, "/bench/bare/", args.requests),
        "Single View": measure(client, f"/residents/{resident.pk}/", args.requests),
    }
    vendor = django.db.connection.vendor
    print(f"Single View, {args.events:,} timeline events, {args.requests} requests each, {vendor}")
    print(
        f"{'view':<12} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'CPU p95':>8} "
        f"{'queries':>8} {'+BEGIN/COMMIT':>14} {'KB':>5}"
    )
    for name, result in results.items():
        print(
            f"{name:<12} {result['p50']:7.1f} {result['p95']:7.1f} {result['max']:7.1f} "
            f"{result['cpu_p95']:8.1f} {result['queries']:8d} {result['statements']:14d} "
            f"{result['bytes'] / 1024:5.1f}"
        )
    single = results["Single View"]
    ok = single["p95"] <= TARGET_P95_MS and single["queries"] <= TARGET_QUERIES
    verdict = "meets" if ok else "misses"
    print(
        f"Target p95 <= {TARGET_P95_MS} ms and <= {TARGET_QUERIES} queries: {verdict} it "
        f"({single['p95'] - results['bare view']['p95']:.1f} ms and "
        f"{single['queries'] - results['bare view']['queries']} queries above the bare view)"
    )
    if args.show_queries:
        for number, query in enumerate(single["sql"], start=1):
            print(f"{number:3d}. {query['time']}s {query['sql'][:200]}")
    return 0 if ok or not args.check else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--check", action="store_true", help="exit with 1 when over target")
    parser.add_argument("--show-queries", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as data_dir:
        # Settings read these when Django starts, so they are set first.
        os.environ["DOORSTEP_DATA_DIR"] = data_dir
        os.environ["DJANGO_SETTINGS_MODULE"] = "doorstep.settings"
        os.environ.pop("DEBUG", None)
        if args.database == "postgres":
            from doorstep.core.localpg import running_server

            with running_server() as database_url:
                os.environ["DATABASE_URL"] = database_url
                return run(args)
        os.environ.pop("DATABASE_URL", None)
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
