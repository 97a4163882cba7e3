"""Reporting periods: a week (Monday to Sunday), a calendar month, a quarter, or chosen dates."""

import datetime
from dataclasses import dataclass

WEEK = "week"
MONTH = "month"
QUARTER = "quarter"
CUSTOM = "custom"
KINDS = [(WEEK, "Week"), (MONTH, "Month"), (QUARTER, "Quarter"), (CUSTOM, "Chosen dates")]
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return self.start.strftime("%B %Y")
        if self.kind == QUARTER:
            return f"{self.start:%B} to {self.end:%B %Y}"
        if self.start.year == self.end.year:
            return f"{self.start.day} {self.start:%B} to {self.end.day} {self.end:%B %Y}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"

    @property
    def short_label(self) -> str:
        if self.kind == MONTH:
            return self.start.strftime("%b %Y")
        if self.kind == QUARTER:
            return f"{self.start:%b}–{self.end:%b %y}"
        return f"{self.start.day} {self.start:%b}"

    def previous(self) -> "Period":
        if self.kind == MONTH:
            return containing(MONTH, self.start - ONE_DAY)
        if self.kind == QUARTER:
            return containing(QUARTER, self.start - ONE_DAY)
        length = datetime.timedelta(days=self.days)
        return Period(self.kind, self.start - length, self.end - length)

    def next(self) -> "Period":
        if self.kind in (MONTH, QUARTER):
            return containing(self.kind, self.end + ONE_DAY)
        length = datetime.timedelta(days=self.days)
        return Period(self.kind, self.start + length, self.end + length)


def _month_end(start: datetime.date, months: int) -> datetime.date:
    month = start.month - 1 + months
    first_after = datetime.date(start.year + month // 12, month % 12 + 1, 1)
    return first_after - ONE_DAY


def containing(kind: str, day: datetime.date) -> Period:
    """The week, month or quarter that `day` falls in."""
    if kind == WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        return Period(WEEK, start, start + datetime.timedelta(days=6))
    if kind == MONTH:
        start = day.replace(day=1)
        return Period(MONTH, start, _month_end(start, 1))
    if kind == QUARTER:
        start = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period(QUARTER, start, _month_end(start, 3))
    raise ValueError(f"Unknown period {kind!r}")


def series(period: Period, count: int) -> list[Period]:
    """`count` periods ending with `period`, oldest first."""
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def rolling_twelve_months(end_month: Period, count: int) -> list[Period]:
    """Rolling 12-month windows ending with each of `count` months up to `end_month`."""
    windows = []
    for month in series(end_month, count):
        start = series(month, 12)[0].start
        windows.append(Period(CUSTOM, start, month.end))
    return windows
