"""Working out every band x bedroom estimate again: after an upload (by the task) or on demand."""

import datetime

from django.db import transaction
from django.utils import timezone

from doorstep.core import audit

from . import estimator, queries
from .models import BEDROOM_SIZES, Band, Estimate


@transaction.atomic
def recompute_estimates(*, actor=None) -> int:
    """Work out every band x bedroom estimate in one pass and replace the stored table."""
    # Locking the bands makes two recomputes take turns rather than clash on the table.
    bands = list(Band.objects.select_for_update().order_by("rank"))
    rank_of = {band.pk: band.rank for band in bands}
    band_of_rank = {band.rank: band for band in bands}
    lettings = queries.lettings_for_estimates(rank_of)
    as_of = datetime.date.fromordinal(max(let[0] for let in lettings)) if lettings else None
    results = estimator.estimate_all_days(
        lettings=lettings,
        register=queries.register_for_estimates(as_of),
        band_ranks=[band.rank for band in bands],
        bedroom_sizes=BEDROOM_SIZES,
        as_of=as_of,
    )
    now = timezone.now()
    Estimate.objects.all().delete()
    Estimate.objects.bulk_create(
        [_estimate_row(result, band_of_rank[result.band_rank], now) for result in results]
    )
    audit.record(
        actor=actor or "housing estimates",
        action="update",
        object_type="housing_estimates",
        detail=f"Recomputed {len(results)} estimates from {len(lettings)} lettings"
        + (f" up to {as_of:%d %b %Y}" if as_of else ""),
    )
    return len(results)


def _estimate_row(result: estimator.GroupEstimate, band: Band, now) -> Estimate:
    chances = result.queue.chances
    return Estimate(
        band=band,
        bedrooms=result.bedrooms,
        as_of=result.as_of,
        computed_at=now,
        months_of_data=result.months_of_data,
        households_waiting=result.households_waiting,
        households_ahead=result.households_ahead,
        lets_last_year=result.lets_last_year,
        lets_in_band_last_year=result.lets_in_band_last_year,
        lets_per_year=result.lets_per_year,
        joined_higher_last_year=result.joined_higher_last_year,
        joiners_from_register=result.joiners_from_register,
        supply=result.supply,
        spread_per_month=result.spread_per_month,
        monthly_lets=result.monthly_lets,
        historic_count=result.historic.count,
        median_days=result.historic.median_days,
        p25_days=result.historic.p25_days,
        p75_days=result.historic.p75_days,
        council_months=result.council_months,
        queue_status=result.queue.status,
        queue_months=result.queue.months,
        queue_low_months=result.queue.low_months,
        queue_high_months=result.queue.high_months,
        chance_1_year=chances.get(1),
        chance_3_years=chances.get(3),
        chance_5_years=chances.get(5),
    )
