"""How long might a household wait? Pure functions over lettings and the register; no database.

All figures are for one band and one bedroom need ("a group"). Bands are given by rank: rank 1
is housed first, so "higher bands" are those with a smaller rank.

The period. Every figure is measured back from `as_of`, the date of the latest let in the data
(not today, so a file exported a month ago still has a full year in it). A "month" is 1/12 of a
year (30.4375 days): month 0 is the 30.44 days up to as_of, month 1 the 30.44 days before that,
and so on. "The last 12 months" is months 0-11, i.e. lets up to 365 days before as_of.

1. Historic wait. For the group's lets in the last 36 months, wait = date let - effective date.
   We give the median and the 25th-75th percentiles (`statistics.quantiles(method="inclusive")`,
   so with n sorted waits the p-th percentile sits at position (n - 1) * p, interpolated).
   Fewer than MIN_LETS lets: "not enough data".

2. The council's usual formula, reproduced exactly so councils can compare:
       position = households in higher bands needing the same size
                  + households in the same band with an earlier effective date
       supply   = lets of that size in the last 12 months
                  - households who joined higher bands (same size) in that time
       wait     = (position - 1) / supply * 12 months
   For someone joining today everyone in the band is earlier, so position = households ahead.
   Joiners are counted from the register (effective date in the last 12 months) plus those who
   joined and were already housed in that time (from the lettings). When the register came as
   counts only, only the second part is known and the inputs say so.

3. Our queue estimate. The queue ahead drains at `supply / 12` homes a month on average; the
   household's own offer comes with home number `ahead + 1`, so the central estimate is
   (ahead + 1) / (supply / 12) months. Lets vary from month to month: we take the spread `s` of
   the group's size's monthly lets over the last 36 months (sample standard deviation), but
   never less than sqrt(mean) - what pure chance (a Poisson process) would give - so a few
   steady months never make us over-confident. Over T months the homes that become free are
   about normal with mean mu*T and standard deviation s*sqrt(T). The range is where that supply
   is RANGE_Z standard deviations better or worse than usual (an 80 % range, 1 in 10 above and
   1 in 10 below):  mu*T +/- z*s*sqrt(T) = ahead + 1, solved for T (a quadratic in sqrt(T)).

4. Chance of an offer within Y years (Y = 1, 3, 5), from the same model:
       P(supply over T = 12Y months >= ahead + 1) = 1 - Phi((ahead + 1 - mu*T) / (s*sqrt(T)))
   It assumes the next years look like the last ones; the pages say so.

No estimate at all when supply <= 0 (no homes of this size became free for this band last year),
and "not enough data" when the size had fewer than MIN_LETS lets in the last 12 months or the
lettings cover less than 12 months.
"""

import datetime
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist, fmean, quantiles, stdev
from typing import NamedTuple

DAYS_PER_MONTH = 365.25 / 12
SUPPLY_MONTHS = 12
HISTORY_MONTHS = 36
# Fewer lets than this (in the group for the historic wait, in the size for the queue) is too
# thin to give a figure.
MIN_LETS = 10
# 80 % range: the supply is this many standard deviations better or worse than usual.
RANGE_Z = NormalDist().inv_cdf(0.9)
CHANCE_YEARS = (1, 3, 5)

OK = "ok"
THIN = "thin"
NO_SUPPLY = "no_supply"
NO_DATA = "no_data"


class Let(NamedTuple):
    let_on: datetime.date
    band_rank: int
    bedrooms: int
    effective_date: datetime.date


class Waiting(NamedTuple):
    band_rank: int
    bedrooms: int
    effective_date: datetime.date | None


@dataclass(frozen=True)
class Register:
    """Households waiting by (band rank, bedrooms); joiners is None when only counts are known."""

    households: Mapping[tuple[int, int], int]
    joined_last_year: Mapping[tuple[int, int], int] | None


@dataclass(frozen=True)
class HistoricWait:
    count: int
    median_days: float | None = None
    p25_days: float | None = None
    p75_days: float | None = None

    @property
    def enough(self) -> bool:
        return self.median_days is not None


@dataclass(frozen=True)
class QueueEstimate:
    status: str
    months: float | None = None
    low_months: float | None = None
    high_months: float | None = None
    chances: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupEstimate:
    band_rank: int
    bedrooms: int
    as_of: datetime.date | None
    months_of_data: int
    households_waiting: int
    households_ahead: int
    lets_last_year: int
    lets_in_band_last_year: int
    lets_per_year: float
    joined_higher_last_year: int
    joiners_from_register: bool
    supply: int
    spread_per_month: float
    monthly_lets: list[int]
    historic: HistoricWait
    council_months: float | None
    queue: QueueEstimate


# --- The parts -----------------------------------------------------------------------------


def months_before(day: datetime.date, as_of: datetime.date) -> int:
    """Which month back from as_of a date falls in: 0 for the 30.44 days up to as_of."""
    return int((as_of - day).days // DAYS_PER_MONTH)


def historic_wait(wait_days: Sequence[int], *, minimum: int = MIN_LETS) -> HistoricWait:
    """Median and 25th-75th percentiles of the waits (in days) of households housed."""
    if len(wait_days) < max(minimum, 2):
        return HistoricWait(count=len(wait_days))
    p25, median, p75 = quantiles(sorted(wait_days), n=4, method="inclusive")
    return HistoricWait(count=len(wait_days), median_days=median, p25_days=p25, p75_days=p75)


def council_wait_months(*, position: int, supply: int) -> float | None:
    """The council's usual formula: (position - 1) / supply * 12. None when supply <= 0."""
    if supply <= 0:
        return None
    return (position - 1) / supply * 12


def monthly_spread(monthly_lets: Sequence[int]) -> float:
    """How much lets vary from month to month: the sample standard deviation, at least the
    square root of the mean (a Poisson process's spread)."""
    if not monthly_lets:
        return 0.0
    mean = fmean(monthly_lets)
    observed = stdev(monthly_lets) if len(monthly_lets) > 1 else 0.0
    return max(observed, math.sqrt(mean))


def _months_to_reach(homes: int, per_month: float, spread: float, z: float) -> float:
    """Solve per_month*T + z*spread*sqrt(T) = homes for T (z > 0: a better than usual run)."""
    b = z * spread
    root = (-b + math.sqrt(b * b + 4 * per_month * homes)) / (2 * per_month)
    return root * root


def chance_within(*, months: float, homes: int, per_month: float, spread: float) -> float:
    """P(homes freed in `months` >= homes), supply ~ Normal(per_month*T, spread*sqrt(T))."""
    if spread <= 0:
        return 1.0 if per_month * months >= homes else 0.0
    z = (homes - per_month * months) / (spread * math.sqrt(months))
    return 1 - NormalDist().cdf(z)


def queue_wait(
    *, ahead: int, supply: int, spread: float, z: float = RANGE_Z, years=CHANCE_YEARS
) -> QueueEstimate:
    """Months until home number ahead + 1 becomes free for this band, with a range and chances."""
    if supply <= 0:
        return QueueEstimate(status=NO_SUPPLY)
    per_month = supply / SUPPLY_MONTHS
    homes = ahead + 1
    return QueueEstimate(
        status=OK,
        months=homes / per_month,
        low_months=_months_to_reach(homes, per_month, spread, z),
        high_months=_months_to_reach(homes, per_month, spread, -z),
        chances={
            year: chance_within(months=year * 12, homes=homes, per_month=per_month, spread=spread)
            for year in years
        },
    )


def register_from_applications(
    applications: Iterable[Waiting], *, as_of: datetime.date
) -> Register:
    """Counts by (band rank, bedrooms), and how many of each joined in the last 12 months."""
    households: dict[tuple[int, int], int] = {}
    joined: dict[tuple[int, int], int] = {}
    for application in applications:
        key = (application.band_rank, application.bedrooms)
        households[key] = households.get(key, 0) + 1
        if application.effective_date is not None and _in_last_year(
            application.effective_date, as_of
        ):
            joined[key] = joined.get(key, 0) + 1
    return Register(households=households, joined_last_year=joined)


def _in_last_year(day: datetime.date, as_of: datetime.date) -> bool:
    return 0 <= (as_of - day).days < SUPPLY_MONTHS * DAYS_PER_MONTH


# --- Everything in one pass ----------------------------------------------------------------


def estimate_all(
    *,
    lettings: Iterable[Let],
    register: Register,
    band_ranks: Sequence[int],
    bedroom_sizes: Sequence[int],
    as_of: datetime.date | None = None,
    minimum_lets: int = MIN_LETS,
    z: float = RANGE_Z,
) -> list[GroupEstimate]:
    """Every band x bedroom estimate from one pass over the lettings."""
    to_day = functools.lru_cache(maxsize=None)(datetime.date.toordinal)
    return estimate_all_days(
        lettings=[
            (to_day(let_on), rank, size, to_day(effective))
            for let_on, rank, size, effective in lettings
        ],
        register=register,
        band_ranks=band_ranks,
        bedroom_sizes=bedroom_sizes,
        as_of=as_of,
        minimum_lets=minimum_lets,
        z=z,
    )


def estimate_all_days(
    *,
    lettings: list[tuple[int, int, int, int]],
    register: Register,
    band_ranks: Sequence[int],
    bedroom_sizes: Sequence[int],
    as_of: datetime.date | None = None,
    minimum_lets: int = MIN_LETS,
    z: float = RANGE_Z,
) -> list[GroupEstimate]:
    """estimate_all with dates as day numbers (date.toordinal()), which is what the database
    gives quickly: 200,000 lettings in well under a second."""
    if as_of is None and lettings:
        as_of = datetime.date.fromordinal(max(let[0] for let in lettings))
    if as_of is None:
        return [_no_lettings(rank, size, register) for rank in band_ranks for size in bedroom_sizes]
    tally = _tally(lettings, today=as_of.toordinal(), bedroom_sizes=bedroom_sizes)
    results = []
    for size in bedroom_sizes:
        series = tally.monthly[size][: tally.covered]
        spread = monthly_spread(series)
        for rank in band_ranks:
            results.append(
                _group_estimate(
                    tally,
                    register,
                    rank=rank,
                    size=size,
                    higher=[other for other in band_ranks if other < rank],
                    as_of=as_of,
                    series=series,
                    spread=spread,
                    minimum_lets=minimum_lets,
                    z=z,
                )
            )
    return results


@dataclass
class _Tally:
    """The lettings counted once, for every group's estimate."""

    monthly: dict[int, list[int]]  # lets per month back from as_of, by bedroom size
    waits: dict[tuple[int, int], list[int]]  # days waited, by (band rank, size)
    lets_year_size: dict[int, int]
    lets_year_group: dict[tuple[int, int], int]
    housed_joiners: dict[tuple[int, int], int]  # housed in the last year having joined in it
    covered: int  # months of history the lettings cover


def _tally(
    lettings: list[tuple[int, int, int, int]], *, today: int, bedroom_sizes: Sequence[int]
) -> _Tally:
    year_days = SUPPLY_MONTHS * DAYS_PER_MONTH
    monthly: dict[int, list[int]] = {size: [0] * HISTORY_MONTHS for size in bedroom_sizes}
    waits: dict[tuple[int, int], list[int]] = {}
    lets_year_size: dict[int, int] = {}
    lets_year_group: dict[tuple[int, int], int] = {}
    housed_joiners: dict[tuple[int, int], int] = {}
    earliest = today
    for let_on, rank, size, effective in lettings:
        if let_on < earliest:
            earliest = let_on
        days = today - let_on
        if days < 0:
            continue
        month = int(days // DAYS_PER_MONTH)
        if month >= HISTORY_MONTHS or size not in monthly:
            continue
        key = (rank, size)
        monthly[size][month] += 1
        if key in waits:
            waits[key].append(let_on - effective)
        else:
            waits[key] = [let_on - effective]
        if month < SUPPLY_MONTHS:
            lets_year_size[size] = lets_year_size.get(size, 0) + 1
            lets_year_group[key] = lets_year_group.get(key, 0) + 1
            if 0 <= today - effective < year_days:
                housed_joiners[key] = housed_joiners.get(key, 0) + 1
    return _Tally(
        monthly=monthly,
        waits=waits,
        lets_year_size=lets_year_size,
        lets_year_group=lets_year_group,
        housed_joiners=housed_joiners,
        covered=min(HISTORY_MONTHS, int((today - earliest) // DAYS_PER_MONTH) + 1),
    )


def _group_estimate(
    tally: _Tally,
    register: Register,
    *,
    rank: int,
    size: int,
    higher: list[int],
    as_of: datetime.date,
    series: list[int],
    spread: float,
    minimum_lets: int,
    z: float,
) -> GroupEstimate:
    key = (rank, size)
    covered = tally.covered
    lets_year = tally.lets_year_size.get(size, 0)
    joined = sum(tally.housed_joiners.get((other, size), 0) for other in higher)
    if register.joined_last_year is not None:
        joined += sum(register.joined_last_year.get((other, size), 0) for other in higher)
    waiting = register.households.get(key, 0)
    ahead = waiting + sum(register.households.get((other, size), 0) for other in higher)
    supply = lets_year - joined
    if supply <= 0:
        queue = QueueEstimate(status=NO_SUPPLY)
    elif lets_year < minimum_lets or covered < SUPPLY_MONTHS:
        queue = QueueEstimate(status=THIN)
    else:
        queue = queue_wait(ahead=ahead, supply=supply, spread=spread, z=z)
    group_waits = tally.waits.get(key, [])
    return GroupEstimate(
        band_rank=rank,
        bedrooms=size,
        as_of=as_of,
        months_of_data=covered,
        households_waiting=waiting,
        households_ahead=ahead,
        lets_last_year=lets_year,
        lets_in_band_last_year=tally.lets_year_group.get(key, 0),
        lets_per_year=len(group_waits) * 12 / covered,
        joined_higher_last_year=joined,
        joiners_from_register=register.joined_last_year is not None,
        supply=supply,
        spread_per_month=spread,
        monthly_lets=series,
        historic=historic_wait(group_waits, minimum=minimum_lets),
        council_months=council_wait_months(position=ahead, supply=supply),
        queue=queue,
    )


def _no_lettings(rank: int, size: int, register: Register) -> GroupEstimate:
    waiting = register.households.get((rank, size), 0)
    ahead = waiting + sum(
        count
        for (other, other_size), count in register.households.items()
        if other < rank and other_size == size
    )
    return GroupEstimate(
        band_rank=rank,
        bedrooms=size,
        as_of=None,
        months_of_data=0,
        households_waiting=waiting,
        households_ahead=ahead,
        lets_last_year=0,
        lets_in_band_last_year=0,
        lets_per_year=0.0,
        joined_higher_last_year=0,
        joiners_from_register=register.joined_last_year is not None,
        supply=0,
        spread_per_month=0.0,
        monthly_lets=[],
        historic=HistoricWait(count=0),
        council_months=None,
        queue=QueueEstimate(status=NO_DATA),
    )


def personal_estimate(
    *, ahead: int, supply: int, spread: float, thin: bool, z: float = RANGE_Z
) -> tuple[float | None, QueueEstimate]:
    """The council's figure and our queue estimate for one household with `ahead` before it."""
    council = council_wait_months(position=ahead, supply=supply)
    if supply <= 0:
        return None, QueueEstimate(status=NO_SUPPLY)
    if thin:
        return council, QueueEstimate(status=THIN)
    return council, queue_wait(ahead=ahead, supply=supply, spread=spread, z=z)
