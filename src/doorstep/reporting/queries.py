"""Reads for the dashboard and exports: totals per period from the rollups plus recent raw events.

For each period the totals come from `DailyRollup` for days the rollups cover, and from the raw
`ServiceEvent` rows the rollups do not hold yet (today, and anything recorded since the last
refresh). Percentiles need every value, so `PeriodData.values` reads raw rows of one event name
for the period through the (name, occurred_at) index: a few thousand integers even for a year.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from doorstep.core.models import ServiceEvent, Team
from doorstep.core.tokens import hash_token

from . import figures
from .figures import Figure, Result, event_key, event_key_names
from .models import ChannelCost, CostSettings, DailyRollup, RollupState, SurveyInvitation
from .periods import ONE_DAY, Period

TOTALS_CACHE_SECONDS = 24 * 3600


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


@dataclass
class Costs:
    per_channel: dict[str, ChannelCost]
    price_per_fragment_pence: Decimal
    monthly_overhead_pence: int


def load_costs() -> Costs:
    settings_row = CostSettings.objects.filter(pk=1).first() or CostSettings()
    return Costs(
        per_channel={cost.channel: cost for cost in ChannelCost.objects.all()},
        price_per_fragment_pence=settings_row.price_per_fragment_pence,
        monthly_overhead_pence=settings_row.monthly_overhead_pence,
    )


@dataclass
class Scope:
    """Who the figures are for: one team or all (None), one channel or all ("")."""

    team_id: int | None = None
    channel: str = ""
    today: datetime.date = field(default_factory=timezone.localdate)
    _costs: Costs | None = None

    @property
    def costs(self) -> Costs:
        if self._costs is None:
            self._costs = load_costs()
        return self._costs

    def filter_events(self, queryset):
        if self.team_id is not None:
            queryset = queryset.filter(team_id=self.team_id)
        if self.channel:
            queryset = queryset.filter(channel=self.channel)
        return queryset


class PeriodData:
    """The totals of every event name in one period, for figures' compute functions."""

    def __init__(self, period: Period, scope: Scope, names: frozenset[str] | None = None):
        self.period = period
        self.scope = scope
        # Only these event names were read (None: all), for periods where few figures are shown.
        self.names = names
        # name -> {(channel, key): [count, total]}
        self._totals: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0])
        )
        self._values: dict[str, list[int]] = {}
        # Values of events the rollups do not hold yet, by name (added with the raw totals).
        self._raw_values: dict[str, list[int]] = defaultdict(list)
        self.state: RollupState | None = None

    def add_raw(self, name: str, channel: str, key: str, value: int) -> None:
        self.add(name, channel, key, 1, value)
        self._raw_values[name].append(value)

    def add(self, name: str, channel: str, key: str, count: int, total: int) -> None:
        cell = self._totals[name][(channel, key)]
        cell[0] += count
        cell[1] += total

    @property
    def costs(self) -> Costs:
        return self.scope.costs

    @property
    def is_current(self) -> bool:
        return self.period.contains(self.scope.today)

    def _matches(self, name: str, key: str, attributes: dict) -> bool:
        if not attributes:
            return True
        parts = dict(zip(event_key_names(name), key.split("|"), strict=False))
        for attribute, wanted in attributes.items():
            if attribute not in event_key_names(name):
                raise ValueError(f"{name} is not grouped by {attribute}: register_event_key")
            options = wanted if isinstance(wanted, list | tuple | set) else [wanted]
            if parts.get(attribute, "") not in {figures._part(option) for option in options}:
                return False
        return True

    def _check_loaded(self, name: str) -> None:
        if self.names is not None and name not in self.names:
            raise ValueError(f"{name} was not read for {self.period.label}")

    def _sum(self, name: str, index: int, channels, attributes) -> int:
        self._check_loaded(name)
        if isinstance(channels, str):
            channels = [channels]
        return sum(
            cell[index]
            for (channel, key), cell in self._totals.get(name, {}).items()
            if (channels is None or channel in channels) and self._matches(name, key, attributes)
        )

    def count(self, name: str, *, channels=None, **attributes) -> int:
        """How many `name` events, optionally only through `channels` or with these attributes."""
        return self._sum(name, 0, channels, attributes)

    def total(self, name: str, *, channels=None, **attributes) -> int:
        """The sum of the events' values."""
        return self._sum(name, 1, channels, attributes)

    def grouped(self, name: str, attribute: str) -> dict[str, list[int]]:
        """{attribute value: [count, total]} for one grouping attribute of `name`."""
        self._check_loaded(name)
        position = event_key_names(name).index(attribute)
        result: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (_channel, key), (count, total) in self._totals.get(name, {}).items():
            parts = key.split("|")
            value = parts[position] if position < len(parts) else ""
            result[value][0] += count
            result[value][1] += total
        return dict(result)

    def values(self, name: str) -> list[int]:
        """Every value of `name` in the period, for medians and percentiles.

        The events the rollups hold are read raw once and cached under the rollups' version
        (events are never changed, so only a refresh moves the line); later events come from
        the raw rows read with the totals.
        """
        self._check_loaded(name)
        if name not in self._values:
            self._values[name] = self._rolled_up_values(name) + self._raw_values.get(name, [])
        return self._values[name]

    def _rolled_up_values(self, name: str) -> list[int]:
        state = self.state
        if state is None or state.complete_through is None:
            return []
        if self.period.start > state.complete_through:
            return []
        end = min(self.period.end, state.complete_through)
        key = _cache_key("values", name, self.period.start, end, self.scope, state)
        found = cache.get(key)
        if found is None:
            events = self.scope.filter_events(
                ServiceEvent.objects.filter(
                    name=name,
                    occurred_at__gte=day_start(self.period.start),
                    occurred_at__lt=day_start(end + ONE_DAY),
                )
            )
            found = [
                value
                for event_id, value in events.values_list("id", "value")
                if event_id <= state.last_event_id
            ]
            cache.set(key, found, TOTALS_CACHE_SECONDS)
        return found


def _cache_key(kind: str, names: str, start, end, scope: Scope, state: RollupState) -> str:
    parts = (kind, names, start, end, scope.team_id, scope.channel, state.version)
    return "reporting:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _rollup_totals(data: PeriodData, state: RollupState) -> None:
    through = state.complete_through
    if through is None or data.period.start > through:
        return
    # A period's rollup totals change only when the rollups are refreshed, so they are cached
    # under the refresh's state: repeated views, and the periods behind the charts, are free.
    names = ",".join(sorted(data.names)) if data.names is not None else "*"
    cache_key = _cache_key(
        "totals", names, data.period.start, min(data.period.end, through), data.scope, state
    )
    cached = cache.get(cache_key)
    if cached is not None:
        for row in cached:
            data.add(*row)
        return
    rows = DailyRollup.objects.filter(
        day__gte=data.period.start, day__lte=min(data.period.end, through)
    )
    if data.scope.team_id is not None:
        rows = rows.filter(team_id=data.scope.team_id)
    if data.scope.channel:
        rows = rows.filter(channel=data.scope.channel)
    if data.names is not None:
        rows = rows.filter(name__in=sorted(data.names))
    found = list(
        rows.values("name", "channel", "key")
        .annotate(count_sum=Sum("count"), total_sum=Sum("total"))
        .values_list("name", "channel", "key", "count_sum", "total_sum")
    )
    cache.set(cache_key, found, TOTALS_CACHE_SECONDS)
    for row in found:
        data.add(*row)


def _raw_events(scope: Scope, start: datetime.date, end: datetime.date, state: RollupState):
    """Events in [start, end] that the rollups do not hold."""
    columns = ("occurred_at", "name", "channel", "value", "attributes")
    span = ServiceEvent.objects.filter(
        occurred_at__gte=day_start(start), occurred_at__lt=day_start(end + ONE_DAY)
    )
    if state.complete_through is None:
        return list(scope.filter_events(span).values_list(*columns))
    # Recorded since the last refresh (usually today's): found by id, so it stays a short read.
    recent = scope.filter_events(ServiceEvent.objects.filter(id__gt=state.last_event_id))
    after = state.complete_through + ONE_DAY
    rows = [
        row
        for row in recent.values_list(*columns)
        if day_start(start) <= row[0] < day_start(end + ONE_DAY)
    ]
    if end >= after:
        # Days the rollups do not cover yet (usually only today). The id test is done here, not
        # in SQL, so the database reads the occurred_at index rather than scanning by id.
        # One lower bound only: given two, SQLite may range-scan the looser one.
        later = scope.filter_events(
            ServiceEvent.objects.filter(
                occurred_at__gte=day_start(max(after, start)),
                occurred_at__lt=day_start(end + ONE_DAY),
            )
        )
        rows.extend(
            row[1:] for row in later.values_list("id", *columns) if row[0] <= state.last_event_id
        )
    return rows


def period_data(
    periods: list[Period], scope: Scope, names: list[frozenset[str] | None] | None = None
) -> list[PeriodData]:
    """The totals for each period (periods may overlap, as rolling 12 months do).

    `names`, one per period, limits a period to those event names (None: every name).
    """
    state = RollupState.objects.filter(pk=1).first() or RollupState()
    names = names or [None] * len(periods)
    datas = [PeriodData(period, scope, only) for period, only in zip(periods, names, strict=True)]
    for data in datas:
        data.state = state
    for data in datas:
        _rollup_totals(data, state)
    start = min(period.start for period in periods)
    end = min(max(period.end for period in periods), scope.today)
    if start <= end:
        for occurred_at, name, channel, value, attributes in _raw_events(scope, start, end, state):
            day = local_day(occurred_at)
            key = event_key(name, attributes, value)
            for data in datas:
                if data.period.contains(day) and (data.names is None or name in data.names):
                    data.add_raw(name, channel, key, value)
    return datas


def compute(figure: Figure, data: PeriodData):
    if figure.snapshot and not data.is_current:
        return [] if figure.breakdown else figures.NO_DATA
    return figure.compute(data)


@dataclass
class ComputedFigure:
    figure: Figure
    results: list  # one per period: a Result, or a list of (label, Result) for breakdowns

    @property
    def current(self):
        return self.results[-1]

    @property
    def previous(self):
        return self.results[-2] if len(self.results) > 1 else None


def compute_all(periods: list[Period], scope: Scope, only=None) -> list[ComputedFigure]:
    datas = period_data(periods, scope)
    chosen = [f for f in figures.all_figures() if only is None or f.slug in only]
    return [ComputedFigure(figure, [compute(figure, data) for data in datas]) for figure in chosen]


def result_value(result) -> float | None:
    return result.value if isinstance(result, Result) else None


def find_invitation(token: str) -> SurveyInvitation | None:
    """The satisfaction survey invitation a link's token opens, if any."""
    if not token or len(token) > 100:
        return None
    return SurveyInvitation.objects.filter(token_hash=hash_token(token)).first()


def teams_to_choose(staff, *, all_teams: bool) -> list[Team]:
    """The teams whose figures the member of staff may choose between."""
    return list(Team.objects.all() if all_teams else staff.teams.all())


def team_name(team_id: int) -> str:
    return Team.objects.filter(pk=team_id).values_list("name", flat=True).first() or ""
