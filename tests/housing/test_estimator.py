"""The estimator on small data sets, every figure worked out by hand in the comments."""

import datetime
import math

import pytest

from doorstep.housing import estimator
from doorstep.housing.estimator import Let, Register, Waiting

D = datetime.date
AS_OF = D(2024, 12, 31)


# --- Historic wait ---------------------------------------------------------------------------


def test_median_and_quartiles_of_past_waits():
    # 10 waits, sorted. With the inclusive method the p-th percentile sits at (n - 1) * p:
    #   p25: 9 * 0.25 = 2.25 -> 30 + 0.25 * (40 - 30) = 32.5
    #   p50: 9 * 0.50 = 4.5  -> 50 + 0.5 * (60 - 50) = 55
    #   p75: 9 * 0.75 = 6.75 -> 70 + 0.75 * (80 - 70) = 77.5
    waits = [100, 10, 90, 20, 80, 30, 70, 40, 60, 50]
    result = estimator.historic_wait(waits)
    assert result.enough
    assert result.count == 10
    assert (result.p25_days, result.median_days, result.p75_days) == (32.5, 55, 77.5)


def test_too_few_past_lets_is_not_enough_data():
    # 9 lets is one short of MIN_LETS (10): no figure at all, only the count.
    result = estimator.historic_wait([30] * 9)
    assert estimator.MIN_LETS == 10
    assert not result.enough
    assert result.count == 9
    assert result.median_days is None and result.p25_days is None


# --- The council's usual formula -------------------------------------------------------------


def test_council_formula_is_reproduced_exactly():
    # (position - 1) / supply * 12 = (25 - 1) / 24 * 12 = 12 months
    assert estimator.council_wait_months(position=25, supply=24) == 12
    # (101 - 1) / 40 * 12 = 30 months
    assert estimator.council_wait_months(position=101, supply=40) == 30
    # As written, the formula gives a negative figure when nobody is ahead: kept as it is.
    assert estimator.council_wait_months(position=0, supply=12) == -1


@pytest.mark.parametrize("supply", [0, -5])
def test_council_formula_gives_no_figure_without_supply(supply):
    assert estimator.council_wait_months(position=10, supply=supply) is None


# --- Spread of monthly lets ------------------------------------------------------------------


def test_spread_is_the_sample_standard_deviation():
    # [0, 2, 4]: mean 2, squared deviations 4 + 0 + 4 = 8, / (3 - 1) = 4, sqrt = 2.
    # sqrt(mean) = 1.41 is smaller, so 2 is kept.
    assert estimator.monthly_spread([0, 2, 4]) == 2


def test_spread_is_never_less_than_chance_would_give():
    # Four identical months: standard deviation 0, but a Poisson process with mean 9 varies
    # by sqrt(9) = 3, so 3 is used.
    assert estimator.monthly_spread([9, 9, 9, 9]) == 3
    assert estimator.monthly_spread([]) == 0


# --- Queue estimate and chances --------------------------------------------------------------


def test_queue_estimate_with_its_range():
    # 11 ahead, so this household needs home number 12. Supply 24 a year = 2 a month.
    # Central: 12 / 2 = 6 months.
    # Range with z = 1 and spread s = 2: solve 2T +/- 1*2*sqrt(T) = 12 with x = sqrt(T):
    #   better run: 2x^2 + 2x - 12 = 0 -> x = (-2 + sqrt(4 + 96)) / 4 = 2 -> T = 4
    #   worse run:  2x^2 - 2x - 12 = 0 -> x = ( 2 + sqrt(4 + 96)) / 4 = 3 -> T = 9
    result = estimator.queue_wait(ahead=11, supply=24, spread=2, z=1)
    assert result.status == estimator.OK
    assert result.months == 6
    assert result.low_months == pytest.approx(4)
    assert result.high_months == pytest.approx(9)


def test_chance_of_an_offer():
    # 23 ahead -> home number 24 needed; 2 homes a month with spread 2.
    # 1 year: supply ~ Normal(24, 2 * sqrt(12)); P(>= 24) = 1 - Phi(0) = 0.5
    # 3 years: Normal(72, 2 * sqrt(36) = 12); z = (24 - 72) / 12 = -4; 1 - Phi(-4) = 0.99997
    result = estimator.queue_wait(ahead=23, supply=24, spread=2)
    assert result.chances[1] == pytest.approx(0.5)
    assert result.chances[3] == pytest.approx(0.999968, abs=1e-6)
    # 47 ahead -> home 48. 3 years: z = (48 - 72) / 12 = -2; 1 - Phi(-2) = 0.97725.
    # 1 year: z = (48 - 24) / (2 * sqrt(12)) = 3.46; 1 - Phi(3.46) = 0.00027.
    longer = estimator.queue_wait(ahead=47, supply=24, spread=2)
    assert longer.chances[3] == pytest.approx(0.97725, abs=1e-5)
    assert longer.chances[1] == pytest.approx(0.00027, abs=1e-5)
    assert longer.chances[1] < longer.chances[3] <= longer.chances[5]


@pytest.mark.parametrize("supply", [0, -3])
def test_no_supply_gives_no_estimate(supply):
    result = estimator.queue_wait(ahead=5, supply=supply, spread=1)
    assert result.status == estimator.NO_SUPPLY
    assert result.months is None and result.low_months is None and result.chances == {}


# --- Everything in one pass ------------------------------------------------------------------

# Five lets of 1-bedroom homes. as_of is the latest let, 31 Dec 2024. Months back are 30.44 days.
LETS = [
    # let on,        band, size, effective date     days back  month  wait (days)
    Let(D(2024, 12, 31), 1, 1, D(2024, 12, 1)),  # 0        0     30 (joined in the last year)
    Let(D(2024, 12, 1), 2, 1, D(2023, 12, 1)),  # 30       0     366 (2024 is a leap year)
    Let(D(2024, 6, 30), 2, 1, D(2022, 6, 30)),  # 184      6     731
    Let(D(2024, 1, 1), 1, 1, D(2023, 7, 1)),  # 365      11    184
    Let(D(2023, 6, 30), 2, 1, D(2021, 6, 30)),  # 550      18    730 (older than a year)
]
# On the register now: band 1 (rank 1) has 2 households, one joined in the last year;
# band 2 has 3 households, one joined in the last year.
REGISTER = [
    Waiting(1, 1, D(2024, 10, 1)),
    Waiting(1, 1, D(2020, 1, 1)),
    Waiting(2, 1, D(2024, 11, 1)),
    Waiting(2, 1, D(2022, 1, 1)),
    Waiting(2, 1, D(2019, 1, 1)),
]


def _estimates(lets=LETS, register=None, minimum=2, **kwargs):
    register = register or estimator.register_from_applications(REGISTER, as_of=AS_OF)
    results = estimator.estimate_all(
        lettings=lets,
        register=register,
        band_ranks=[1, 2],
        bedroom_sizes=[1],
        minimum_lets=minimum,
        **kwargs,
    )
    return {result.band_rank: result for result in results}


def test_register_counts_and_joiners():
    register = estimator.register_from_applications(REGISTER, as_of=AS_OF)
    assert register.households == {(1, 1): 2, (2, 1): 3}
    # 2024-10-01 is 91 days before as_of and 2024-11-01 is 60: both joined in the last year.
    assert register.joined_last_year == {(1, 1): 1, (2, 1): 1}


def test_estimate_all_worked_by_hand():
    results = _estimates()
    top, second = results[1], results[2]
    # Months of data: the oldest let is in month 18, so months 0-18 = 19 months.
    assert top.as_of == AS_OF
    assert top.months_of_data == 19
    # Lets a month, newest first: month 0 has two, months 6, 11 and 18 one each.
    expected_series = [0] * 19
    expected_series[0], expected_series[6], expected_series[11], expected_series[18] = 2, 1, 1, 1
    assert top.monthly_lets == expected_series
    assert top.spread_per_month == estimator.monthly_spread(expected_series)
    # Lets in the last 12 months (months 0-11): the first four.
    assert top.lets_last_year == second.lets_last_year == 4
    assert (top.lets_in_band_last_year, second.lets_in_band_last_year) == (2, 2)
    # Lets a year over the 19 months: band 1 had 2 -> 2 * 12 / 19; band 2 had 3 -> 3 * 12 / 19.
    assert top.lets_per_year == pytest.approx(24 / 19)
    assert second.lets_per_year == pytest.approx(36 / 19)

    # Band 1 (top): nobody is higher. Ahead of a newcomer: its own 2 households.
    #   supply = 4 lets - 0 joiners = 4; council = (2 - 1) / 4 * 12 = 3 months
    #   queue: home number 3 at 4/12 a month -> 3 / (1/3) = 9 months
    assert (top.households_waiting, top.households_ahead) == (2, 2)
    assert (top.joined_higher_last_year, top.supply) == (0, 4)
    assert top.council_months == pytest.approx(3)
    assert top.queue.status == estimator.OK
    assert top.queue.months == pytest.approx(9)

    # Band 2: ahead = 2 (band 1) + 3 (band 2) = 5.
    #   joiners to band 1 in the last year: 1 still waiting + 1 already housed (the first let)
    #   supply = 4 - 2 = 2; council = (5 - 1) / 2 * 12 = 24 months
    #   queue: home number 6 at 2/12 a month -> 36 months
    assert (second.households_waiting, second.households_ahead) == (3, 5)
    assert (second.joined_higher_last_year, second.supply) == (2, 2)
    assert second.joiners_from_register
    assert second.council_months == pytest.approx(24)
    assert second.queue.months == pytest.approx(36)
    assert second.queue.low_months < 36 < second.queue.high_months

    # Past waits (minimum 2 for this small set):
    #   band 1: [30, 184] -> p25 = 30 + 0.25 * 154 = 68.5, median 107, p75 = 145.5
    #   band 2: [366, 730, 731] -> p25 = 366 + 0.5 * 364 = 548, median 730, p75 730.5
    assert (top.historic.p25_days, top.historic.median_days, top.historic.p75_days) == (
        68.5,
        107,
        145.5,
    )
    assert (
        second.historic.p25_days,
        second.historic.median_days,
        second.historic.p75_days,
    ) == (548, 730, 730.5)


def test_with_the_usual_minimum_this_is_not_enough_data():
    results = _estimates(minimum=estimator.MIN_LETS)
    for result in results.values():
        assert result.queue.status == estimator.THIN
        assert result.queue.months is None
        assert not result.historic.enough
        # The council's figure is still worked out, for comparison on the "why" panel.
        assert result.council_months is not None


def test_negative_supply_is_said_honestly():
    # Five more households joined band 1 in the last year: supply for band 2 = 4 - (6 + 1) = -3.
    extra = [Waiting(1, 1, D(2024, 9, day)) for day in range(1, 6)]
    register = estimator.register_from_applications([*REGISTER, *extra], as_of=AS_OF)
    second = _estimates(register=register)[2]
    assert second.supply == -3
    assert second.queue.status == estimator.NO_SUPPLY
    assert second.council_months is None
    assert second.queue.chances == {}


def test_counts_only_register_knows_only_housed_joiners():
    register = Register(households={(1, 1): 2, (2, 1): 3}, joined_last_year=None)
    second = _estimates(register=register)[2]
    # Only the housed joiner (the first let) is known: supply = 4 - 1 = 3.
    assert second.joined_higher_last_year == 1
    assert second.supply == 3
    assert not second.joiners_from_register
    assert second.council_months == pytest.approx((5 - 1) / 3 * 12)


def test_less_than_a_year_of_lettings_is_not_enough_data():
    recent = [let for let in LETS if let.let_on >= D(2024, 6, 1)]
    results = _estimates(lets=recent, minimum=1)
    assert results[1].months_of_data == 7  # month 0 to month 6
    assert results[1].queue.status == estimator.THIN


def test_no_lettings_at_all():
    results = _estimates(lets=[])
    assert results[1].queue.status == estimator.NO_DATA
    assert results[2].households_ahead == 5


def test_personal_estimate_uses_the_households_own_position():
    # 7 ahead, supply 24 (2 a month): council (7 - 1) / 24 * 12 = 3; ours (7 + 1) / 2 = 4.
    council, queue = estimator.personal_estimate(ahead=7, supply=24, spread=2, thin=False)
    assert council == 3
    assert queue.months == 4
    council, queue = estimator.personal_estimate(ahead=7, supply=24, spread=2, thin=True)
    assert council == 3 and queue.status == estimator.THIN
    council, queue = estimator.personal_estimate(ahead=7, supply=0, spread=2, thin=False)
    assert council is None and queue.status == estimator.NO_SUPPLY


def test_range_is_80_percent():
    assert estimator.RANGE_Z == pytest.approx(1.2816, abs=1e-4)
    assert math.isclose(estimator.DAYS_PER_MONTH * 12, 365.25)
