"""Realistic synthetic lettings and register data, the same for the same seed and end date.

The shape follows what councils publish: most lets go to the top two bands, larger homes are
scarcer, and band A is housed in months while band D waits many years. Rows go through
services.replace_rows, the same path as an accepted upload.
"""

import datetime
import math
import random
from dataclasses import dataclass

from django.db import transaction

from doorstep.core import audit
from doorstep.residents.models import ExternalIdentifier, Resident

from . import services
from .models import Band, Upload

# By band, highest first; bands beyond the fourth behave like the fourth.
LET_SHARE_BY_BAND = [30, 40, 25, 5]
MEDIAN_WAIT_MONTHS_BY_BAND = [5, 20, 54, 100]
# Few in the lowest band are ever housed, so it holds more households than its lets suggest.
LOWEST_BAND_BUILD_UP = 2.5
# By bedrooms: larger homes are scarcer and take longer.
LET_SHARE_BY_SIZE = {1: 45, 2: 33, 3: 17, 4: 5}
WAIT_FACTOR_BY_SIZE = {1: 1.0, 2: 1.3, 3: 1.9, 4: 2.8}
PROPERTY_TYPES = {
    1: [("Flat", 85), ("Bedsit", 5), ("Bungalow", 10)],
    2: [("Flat", 70), ("Maisonette", 20), ("House", 10)],
    3: [("House", 55), ("Maisonette", 30), ("Flat", 15)],
    4: [("House", 90), ("Maisonette", 10)],
}


@dataclass
class SeedSummary:
    lettings: int
    applications: int
    linked: int
    start: datetime.date
    end: datetime.date


def _pick(rng: random.Random, shares: list[tuple]) -> object:
    values, weights = zip(*shares, strict=True)
    return rng.choices(values, weights=weights)[0]


def _profile(table: list, index: int):
    return table[min(index, len(table) - 1)]


def lettings_rows(
    *, rng: random.Random, bands: list[Band], end: datetime.date, years: int, per_year: int
) -> list[dict]:
    days = round(years * 365.25)
    # Some months let more homes than others (new-build handovers, void turnaround).
    month_factor = [rng.uniform(0.6, 1.4) for _ in range(years * 12 + 1)]
    band_shares = [(i, _profile(LET_SHARE_BY_BAND, i)) for i in range(len(bands))]
    size_shares = list(LET_SHARE_BY_SIZE.items())
    rows = []
    total = per_year * years
    while len(rows) < total:
        back = rng.randrange(days)
        if rng.random() > month_factor[back // 31] / 1.4:
            continue
        let_on = end - datetime.timedelta(days=back)
        band_index = _pick(rng, band_shares)
        size = _pick(rng, size_shares)
        median = _profile(MEDIAN_WAIT_MONTHS_BY_BAND, band_index) * WAIT_FACTOR_BY_SIZE[size]
        waited = max(7, round(rng.lognormvariate(math.log(median * 30.44), 0.55)))
        rows.append(
            {
                "let_on": let_on,
                "band": bands[band_index],
                "bedrooms": size,
                "property_type": _pick(rng, PROPERTY_TYPES[size]),
                "effective_date": let_on - datetime.timedelta(days=waited),
                "let_reference": "",
            }
        )
    rows.sort(key=lambda row: row["let_on"])
    return rows


def application_rows(
    *,
    rng: random.Random,
    bands: list[Band],
    end: datetime.date,
    lets_per_year: int,
    count: int | None = None,
) -> list[dict]:
    """A register in rough balance with the lettings: each band and size holds about its lets
    a year times its typical wait (more in the lowest band, where few are ever housed)."""
    band_total = sum(_profile(LET_SHARE_BY_BAND, i) for i in range(len(bands)))
    size_total = sum(LET_SHARE_BY_SIZE.values())
    groups = []
    for index, band in enumerate(bands):
        for size, size_share in LET_SHARE_BY_SIZE.items():
            lets = lets_per_year * _profile(LET_SHARE_BY_BAND, index) / band_total
            lets *= size_share / size_total
            wait_years = (
                _profile(MEDIAN_WAIT_MONTHS_BY_BAND, index) * WAIT_FACTOR_BY_SIZE[size] / 12
            )
            build_up = LOWEST_BAND_BUILD_UP if index == len(bands) - 1 else 1.0
            groups.append((band, size, wait_years, lets * wait_years * build_up))
    expected = sum(households for *_, households in groups)
    scale = count / expected if count is not None and expected else 1.0
    plan = [
        (band, size, wait, round(households * scale)) for band, size, wait, households in groups
    ]
    total = sum(households for *_, households in plan)
    numbers = iter(rng.sample(range(100_000, 1_000_000), total))
    rows = []
    for band, size, wait_years, households in plan:
        for _ in range(households):
            years = min(20.0, rng.expovariate(1 / wait_years))
            age_days = round(rng.uniform(18, 85) * 365.25)
            rows.append(
                {
                    "reference": f"HR{next(numbers)}",
                    "band": band,
                    "bedrooms": size,
                    "effective_date": end - datetime.timedelta(days=round(years * 365.25)),
                    "lead_date_of_birth": end - datetime.timedelta(days=age_days),
                }
            )
    return rows


@transaction.atomic
def _link_demo_residents(rows: list[dict], *, rng: random.Random, link: int) -> int:
    """Give some residents a register reference (and their own date of birth on the
    application), so the officer panel and the resident's lookup can be tried."""
    held = dict(
        ExternalIdentifier.objects.filter(source=services.HOUSING_REGISTER_SOURCE).values_list(
            "value", "resident__date_of_birth"
        )
    )
    candidates = list(
        Resident.objects.filter(merged_into=None, date_of_birth__isnull=False)
        .exclude(identifiers__source=services.HOUSING_REGISTER_SOURCE)
        .order_by("pk")[: max(0, link - len(held))]
    )
    chosen = rng.sample(range(len(rows)), min(len(rows), len(held) + len(candidates)))
    slots = iter(chosen)
    # Residents linked by an earlier run keep their reference.
    for reference, birth_date in held.items():
        row = rows[next(slots)]
        row["reference"], row["lead_date_of_birth"] = reference, birth_date
    for resident in candidates:
        row = rows[next(slots)]
        while row["reference"] in held:
            row["reference"] += "X"
        row["lead_date_of_birth"] = resident.date_of_birth
        ExternalIdentifier.objects.create(
            resident=resident, source=services.HOUSING_REGISTER_SOURCE, value=row["reference"]
        )
        audit.record(
            actor="seed_lettings",
            action="update",
            object_type="resident",
            object_id=resident.pk,
            resident_id=resident.pk,
            fields=["identifiers"],
            detail=f"Demo housing register reference {row['reference']}",
        )
    return len(held) + len(candidates)


def seed_lettings(
    *,
    seed: int,
    end: datetime.date,
    years: int = 3,
    lets_per_year: int = 1200,
    applications: int | None = None,
    link_residents: int = 50,
) -> SeedSummary:
    bands = list(Band.objects.order_by("rank"))
    if not bands:
        raise ValueError("Add at least one band first")
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    lets = lettings_rows(rng=rng, bands=bands, end=end, years=years, per_year=lets_per_year)
    register = application_rows(
        rng=rng, bands=bands, end=end, lets_per_year=lets_per_year, count=applications
    )
    linked = _link_demo_residents(register, rng=rng, link=link_residents) if register else 0
    actor = "seed_lettings"
    services.replace_rows(
        actor=actor, kind=Upload.Kind.LETTINGS, rows=lets, filename="synthetic-lettings.csv"
    )
    services.replace_rows(
        actor=actor,
        kind=Upload.Kind.APPLICATIONS,
        rows=register,
        filename="synthetic-register.csv",
    )
    return SeedSummary(
        lettings=len(lets),
        applications=len(register),
        linked=linked,
        start=lets[0]["let_on"] if lets else end,
        end=end,
    )
