import datetime

import pytest
from django.core.cache import cache

from doorstep.housing.models import Band

AS_OF = datetime.date(2024, 12, 31)


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A cache of the test's own: lookup failures counted in one test never reach another."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "housing-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def default_bands() -> dict[str, Band]:
    """Bands A to D, ranked 1 to 4, as the migration makes them (a browser test's flush of
    the database removes them, so they are made again when missing)."""
    from importlib import import_module

    migration = import_module("doorstep.housing.migrations.0002_default_bands")
    for name, rank, description in migration.DEFAULT_BANDS:
        Band.objects.get_or_create(name=name, defaults={"rank": rank, "description": description})
    return {band.name: band for band in Band.objects.order_by("rank")}


@pytest.fixture
def bands(db):
    return default_bands()


def csv_bytes(header: str, *lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join([header, *lines, ""]).encode(encoding)


@pytest.fixture
def register(bands):
    """A small register for 2-bedroom homes, and a stored estimate for band B, 2 bedrooms.

    HRTEST1 (band B, effective 1 Jan 2023) has 2 households in band A and 3 earlier ones in
    band B ahead of it: 5 ahead.
    """
    from doorstep.housing.models import Application, Estimate, Upload

    upload = Upload.objects.create(kind="applications", status="accepted", row_count=12)

    def add(reference, band, bedrooms, effective, birth=None, resident=None):
        return Application.objects.create(
            upload=upload,
            reference=reference,
            band=bands[band],
            bedrooms=bedrooms,
            effective_date=effective,
            lead_date_of_birth=birth,
            resident=resident,
        )

    D = datetime.date
    target = add("HRTEST1", "B", 2, D(2023, 1, 1), D(1985, 3, 27))
    add("HRA1", "A", 2, D(2024, 5, 1))
    add("HRA2", "A", 2, D(2020, 5, 1))
    for number, year in enumerate([2019, 2021, 2022], start=1):
        add(f"HRB{number}", "B", 2, D(year, 6, 1))
    add("HRLATER", "B", 2, D(2024, 1, 1))
    add("HRC1", "C", 2, D(2010, 1, 1))
    add("HRONE", "A", 1, D(2010, 1, 1))
    add("HRNODOB", "B", 2, D(2023, 2, 1), None)
    estimate = Estimate.objects.create(
        band=bands["B"],
        bedrooms=2,
        as_of=AS_OF,
        months_of_data=36,
        households_waiting=6,
        households_ahead=8,
        lets_last_year=30,
        lets_in_band_last_year=12,
        lets_per_year=12,
        joined_higher_last_year=6,
        supply=24,
        spread_per_month=2,
        monthly_lets=[2] * 36,
        historic_count=40,
        median_days=365.25,
        p25_days=182.625,
        p75_days=730.5,
        council_months=(8 - 1) / 24 * 12,
        queue_status="ok",
        queue_months=4.5,
        queue_low_months=3.5,
        queue_high_months=6.0,
        chance_1_year=0.9,
        chance_3_years=0.999,
        chance_5_years=1.0,
    )
    return {"target": target, "estimate": estimate, "add": add}
