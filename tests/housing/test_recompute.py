"""The stored estimates are exactly what the pure estimator gives for the same data."""

import datetime

import pytest

from doorstep.housing import estimator, seeding, services
from doorstep.housing.models import BEDROOM_SIZES, Application, Estimate, Letting

pytestmark = pytest.mark.django_db

END = datetime.date(2025, 3, 31)


@pytest.fixture
def seeded(bands):
    seeding.seed_lettings(seed=5, end=END, years=2, lets_per_year=400, link_residents=0)
    services.recompute_estimates()


def test_database_reads_match_the_pure_functions(seeded):
    # Day numbers read with SQL (julianday on SQLite, date arithmetic on PostgreSQL) and the
    # register counted with GROUP BY must give what the pure functions give from dates.
    lets = [
        estimator.Let(let_on, rank, size, effective)
        for let_on, rank, size, effective in Letting.objects.values_list(
            "let_on", "band__rank", "bedrooms", "effective_date"
        )
    ]
    as_of = max(let.let_on for let in lets)
    register = estimator.register_from_applications(
        (
            estimator.Waiting(rank, size, effective)
            for rank, size, effective in Application.objects.values_list(
                "band__rank", "bedrooms", "effective_date"
            )
        ),
        as_of=as_of,
    )
    assert services.register_for_estimates(as_of) == register
    expected = estimator.estimate_all(
        lettings=lets, register=register, band_ranks=[1, 2, 3, 4], bedroom_sizes=BEDROOM_SIZES
    )
    stored = {(e.band.rank, e.bedrooms): e for e in Estimate.objects.select_related("band")}
    assert len(stored) == len(expected) == 20
    for result in expected:
        row = stored[(result.band_rank, result.bedrooms)]
        assert row.as_of == as_of == END
        assert row.monthly_lets == result.monthly_lets
        assert (row.households_ahead, row.supply) == (result.households_ahead, result.supply)
        assert row.median_days == result.historic.median_days
        assert row.queue_status == result.queue.status
        assert row.queue_months == result.queue.months
        assert row.council_months == result.council_months
    assert any(row.queue_status == "ok" for row in stored.values())


def test_recompute_replaces_the_table_and_is_safe_to_repeat(seeded):
    first = list(Estimate.objects.order_by("band__rank", "bedrooms").values_list("queue_months"))
    services.recompute_estimates()
    assert Estimate.objects.count() == 20
    assert (
        list(Estimate.objects.order_by("band__rank", "bedrooms").values_list("queue_months"))
        == first
    )
