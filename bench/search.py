"""Resident search benchmark: `search_residents` against a naive `icontains` scan.

    .venv/bin/python bench/search.py --n 1000000

For each database (a fresh SQLite file in a temporary folder, and a throwaway PostgreSQL
server) it migrates an empty schema, loads N residents with a phone each in bulk (through the
search triggers, as an import would), then times a fixed mix of queries: names with a typo,
exact names, first and last name swapped, a surname alone, dates of birth, phone numbers,
postcodes and NI numbers, another spelling of the first name (Sara for Sarah) and an initial
with the surname. It prints p50/p95 per kind of query and overall, and how often the resident
the query was made from is among the first five results when at most five people share what
was typed (with more, no search can promise it), and the ratio to the naive scan for names
only (the naive scan cannot read phone numbers, dates or NI numbers).

Each database is benchmarked in its own process, configured through DATABASE_URL before
Django starts. Targets at 1,000,000 residents: p95 <= 100 ms on SQLite, <= 50 ms on PostgreSQL, names >= 100x
faster than the naive scan (p50), an initial + surname found in the top 5 whenever <= 5 share it.
"""

import argparse
import datetime
import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = 20240201
NAME_KINDS = [
    "typo name",
    "exact name",
    "swapped name",
    "variant name",
    "initial surname",
    "surname",
]
KINDS = [*NAME_KINDS, "dob", "phone", "postcode", "ni"]
TOP = 5  # "found" means among the first five results, where an officer looks
NAME_LOCALES = ["en_GB", "en_IE", "en_US", "en_NZ", "en_IN"]
OUTWARD_CODES = (
    "E1 E2 E3 E5 E8 E9 E10 E11 E13 E14 E15 E16 E17 N1 N4 N5 N7 N15 N16 N17 N19 NW1 NW5 NW6 "
    "NW10 SE1 SE5 SE8 SE10 SE13 SE15 SE17 SW2 SW4 SW8 SW9 SW11 W2 W6 W9 W10 W12 IG1 IG11 RM8 "
    "EN1 EN3 HA0 HA9 UB1 TW3 CR0 BR1 DA1 B1 B5 M1 M8 LS1 L8 BS1 CF10 G1 EH1 BT1"
).split()
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
NI_PREFIXES = ["AB", "CE", "JK", "LM", "PR", "SW", "TY", "WE"]


# --- Running one process per database -------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="residents to load")
    parser.add_argument("--queries", type=int, default=25, help="queries of each kind")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query")
    parser.add_argument(
        "--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres (default both)"
    )
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
            }
            command = [sys.executable, __file__, "--worker", *sys.argv[1:]]
            if database == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
                subprocess.run(command, env=env, check=True)
            elif database == "postgres":
                with running_server("bench") as url:
                    env["DATABASE_URL"] = url
                    subprocess.run(command, env=env, check=True)
            else:
                parser.error(f"unknown database {database!r}")


def run_worker(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    names = load_name_lists()
    print(
        f"\n== {connection.vendor}: {args.n:,} residents "
        f"({len(names[0]):,} first names, {len(names[1]):,} last names) =="
    )
    started = time.monotonic()
    load_residents(args.n, names)
    print(f"loaded and indexed in {time.monotonic() - started:.0f} s")
    queries = make_queries(args.queries)
    time_queries(queries, args.repeat)


# --- Data --------------------------------------------------------------------------------------


def load_name_lists() -> tuple[list[str], list[str], list[float], list[float]]:
    """A few thousand first and last names from Faker's English-speaking locales.

    Names are ranked (British ones first) and drawn with Zipf-like weights, so a few
    names are very common, as Smith and John are: the hard case for a search.
    """
    first: dict[str, None] = {}
    last: dict[str, None] = {}
    for locale in NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names_male", "first_names_female", "first_names"):
            for name in getattr(provider, attribute, ()):
                first.setdefault(name)
        for name in provider.last_names:
            last.setdefault(name)
    # Put the most common British names at the top of the ranking.
    common_first = ["John", "David", "Michael", "James", "Sarah", "Mohammed", "Mary", "Emma"]
    common_last = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Khan"]
    first_names = common_first + [name for name in first if name not in common_first]
    last_names = common_last + [name for name in last if name not in common_last]
    first_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(first_names))]
    last_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(last_names))]
    return first_names, last_names, first_weights, last_weights


def resident_rows(n: int, names):
    first_names, last_names, first_weights, last_weights = names
    rng = random.Random(SEED)
    now = datetime.datetime.now(datetime.UTC)
    batch = 10_000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        firsts = rng.choices(first_names, first_weights, k=size)
        lasts = rng.choices(last_names, last_weights, k=size)
        for offset in range(size):
            pk = start + offset + 1
            born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(24_000))
            postcode = (
                f"{rng.choice(OUTWARD_CODES)} {rng.randrange(10)}"
                f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
            )
            ni_number = f"{NI_PREFIXES[pk // 1_000_000 % 8]}{pk % 1_000_000:06d}{'ABCD'[pk % 4]}"
            # One record in a hundred was merged into the first resident.
            merged_into = 1 if pk % 100 == 0 else None
            yield {
                "id": pk,
                "title": "",
                "first_name": firsts[offset],
                "last_name": lasts[offset],
                "preferred_name": "",
                "date_of_birth": born,
                "national_insurance_number": ni_number,
                "email": "",
                "address_line_1": f"{rng.randrange(1, 300)} High Street",
                "address_line_2": "",
                "town": "London",
                "postcode": postcode,
                "language": "English",
                "needs_interpreter": False,
                "preferred_contact": "text",
                "consents_to_text": True,
                "text_consent_recorded_at": None,
                "merged_into_id": merged_into,
                "created_at": now,
                "updated_at": now,
            }


# Mobile ranges phonenumbers accepts in full, a million numbers each.
MOBILE_PREFIXES = ["7912", "7400", "7500", "7800", "7900", "7425", "7939", "7949"]


def phone_for(pk: int) -> str:
    return f"+44{MOBILE_PREFIXES[pk // 1_000_000 % 8]}{pk % 1_000_000:06d}"


def load_residents(n: int, names) -> None:
    from django.db import connection

    from doorstep.residents.models import Resident

    columns = [field.column for field in Resident._meta.concrete_fields]
    rows = resident_rows(n, names)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY residents_resident ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row([row[column] for column in columns])
            with cursor.cursor.copy(
                "COPY residents_phone (resident_id, number, is_mobile, is_primary) FROM STDIN"
            ) as copy:
                for pk in range(1, n + 1):
                    copy.write_row((pk, phone_for(pk), True, True))
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('residents_resident', 'id'), %s)", [n]
            )
            cursor.execute("ANALYZE")
        return
    raw = connection.connection
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-200000")
    marks = ", ".join("?" * len(columns))
    insert = f"INSERT INTO residents_resident ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    values = ([row[column] for column in columns] for row in rows)
    with raw:
        raw.executemany(insert, values)
        raw.executemany(
            "INSERT INTO residents_phone (resident_id, number, is_mobile, is_primary) "
            "VALUES (?, ?, 1, 1)",
            ((pk, phone_for(pk)) for pk in range(1, n + 1)),
        )
    raw.execute("PRAGMA analysis_limit=1000")
    raw.execute("ANALYZE")
    raw.execute("PRAGMA synchronous=NORMAL")


# --- Queries -----------------------------------------------------------------------------------


def misspell(name: str, rng: random.Random) -> str:
    """One slip: two letters swapped, one left out, or one doubled."""
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    slip = rng.choice(["swap", "drop", "double"])
    if slip == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if slip == "drop":
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def make_queries(per_kind: int) -> list[tuple[str, str, int]]:
    """(kind, text, id of the resident it was made from), the same for every database."""
    from doorstep.residents.models import Resident

    rng = random.Random(SEED + 1)
    total = Resident.objects.count()
    queries = []
    variant_ids = _residents_with_another_spelling()
    for kind in KINDS:
        picked = 0
        while picked < per_kind:
            if kind == "variant name":
                pk = rng.choice(variant_ids)
            else:
                pk = rng.randrange(1, total + 1)
            resident = Resident.objects.get(pk=pk)
            if resident.merged_into_id:
                continue
            picked += 1
            text = query_text(kind, resident, rng, alternate=picked % 2 == 0)
            queries.append((kind, text, resident.pk))
    return queries


def _residents_with_another_spelling() -> list[int]:
    from django.db.models.functions import Lower

    from doorstep.residents.models import Resident
    from doorstep.residents.name_variants import spellings_of

    names = Resident.objects.annotate(first=Lower("first_name")).values_list("first", flat=True)
    with_spellings = [name for name in set(names.distinct()) if spellings_of(name)]
    return list(
        Resident.objects.annotate(first=Lower("first_name"))
        .filter(first__in=with_spellings, merged_into=None)
        .values_list("pk", flat=True)
    )


def query_text(kind: str, resident, rng: random.Random, *, alternate: bool) -> str:
    from doorstep.core.validators import format_ni_number
    from doorstep.residents.name_variants import spellings_of

    first, last, born = resident.first_name, resident.last_name, resident.date_of_birth
    phone = phone_for(resident.pk)
    if kind == "typo name":
        return f"{misspell(first, rng)} {misspell(last, rng)}"
    if kind == "exact name":
        return f"{first} {last}"
    if kind == "swapped name":
        return f"{last.lower()} {first.lower()}"
    if kind == "variant name":
        return f"{sorted(spellings_of(first.lower()))[0].title()} {last}"
    if kind == "initial surname":
        return f"{first[0]} {last}"
    if kind == "surname":
        return last
    if kind == "dob":
        return f"{born.day} {born:%b %Y}" if alternate else f"{born:%d/%m/%Y}"
    if kind == "phone":
        return f"+44 {phone[3:7]} {phone[7:]}" if alternate else f"0{phone[3:7]} {phone[7:]}"
    if kind == "postcode":
        return resident.postcode.replace(" ", "").lower() if alternate else resident.postcode
    return format_ni_number(resident.national_insurance_number).lower()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def sharing(kind: str, resident) -> int:
    """How many live residents share what the query was made from: with more than TOP, no
    search can promise the one meant is among the first TOP."""
    from doorstep.residents.models import Resident

    live = Resident.objects.filter(merged_into=None)
    first, last = resident.first_name, resident.last_name
    if kind == "surname":
        return live.filter(last_name__iexact=last).count()
    if kind == "initial surname":
        return live.filter(last_name__iexact=last, first_name__istartswith=first[0]).count()
    if kind in NAME_KINDS:
        return live.filter(last_name__iexact=last, first_name__iexact=first).count()
    return 1  # identifiers, dates and postcodes: checked for the one resident only


def time_queries(queries, repeat: int) -> None:
    from doorstep.residents.search import naive_search, search_residents, word_similarity

    shared = {(kind, pk): sharing(kind, pk_resident(pk)) for kind, _, pk in queries}
    p50_names: dict[str, float] = {}
    for label, function, runs in (
        ("search_residents", search_residents, repeat),
        ("naive icontains", naive_search, 1),
    ):
        timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
        found: dict[str, list[int]] = {kind: [0, 0, 0] for kind in KINDS}  # top 5, of, in 50
        for kind, text, pk in queries:
            results = [resident.pk for resident in function(text)]  # warm-up, and the answer
            if shared[(kind, pk)] <= TOP:
                found[kind][0] += pk in results[:TOP]
                found[kind][1] += 1
            found[kind][2] += pk in results
            for _ in range(runs):
                # Time the scoring from cold, as for a query nobody has typed before.
                word_similarity.cache_clear()
                started = time.perf_counter()
                function(text)
                timings[kind].append((time.perf_counter() - started) * 1000)
        every = [value for values in timings.values() for value in values]
        names = [value for kind in NAME_KINDS for value in timings[kind]]
        p50_names[label] = statistics.median(names)
        print(
            f"\n{label}: p50 {statistics.median(every):.1f} ms, p95 {percentile(every, 0.95):.1f} ms"
            f"; names only p50 {statistics.median(names):.1f} ms, p95 {percentile(names, 0.95):.1f} ms"
        )
        print(
            f"  {'query':<16}{'p50 ms':>9}{'p95 ms':>9}   top {TOP} (where <= {TOP} share it)"
            "   in 50"
        )
        per_kind = len(queries) // len(KINDS)
        for kind in KINDS:
            values = timings[kind]
            top, eligible, in_50 = found[kind]
            print(
                f"  {kind:<16}{statistics.median(values):>9.1f}{percentile(values, 0.95):>9.1f}"
                f"   {top}/{eligible:<26}{in_50}/{per_kind}"
            )
    ratio = p50_names["naive icontains"] / p50_names["search_residents"]
    print(f"\nnames only, p50: search is {ratio:.0f}x faster than the naive scan (target >= 100x)")


def pk_resident(pk: int):
    from doorstep.residents.models import Resident

    return Resident.objects.get(pk=pk)


if __name__ == "__main__":
    main()
