"""The figure registry: every number the dashboard, the exports and the charts show.

A capability that records events (docs/events.md) registers, in its AppConfig.ready():

- the attributes its figures group by, once per event name, so the daily rollups keep them:

      figures.register_event_key("evidence.decided", ("document_type", "decision"))

- each figure, with a function that computes it for one period from a `PeriodData`:

      figures.register_figure(
          slug="evidence_rejection_rate",
          label="Documents rejected",
          section=figures.DOCUMENTS,
          unit=figures.PERCENT,
          description="Documents rejected ÷ documents decided.",
          compute=lambda data: figures.ratio(
              data.count("evidence.decided", decision="rejected"), data.count("evidence.decided")
          ),
      )

The dashboard and exports iterate the registry in order, so nothing else changes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

KPIS = "KPIs"
TEXTS = "Texts"
DOCUMENTS = "Documents"
PLANS = "Plans"
VULNERABILITY = "Vulnerability"
INCLUSION = "Digital inclusion"
WORK_QUEUES = "Work queues"
SECTIONS = [KPIS, TEXTS, DOCUMENTS, PLANS, VULNERABILITY, INCLUSION, WORK_QUEUES]

COUNT = "count"
PERCENT = "percent"
POUNDS = "pounds"
DURATION = "duration"  # seconds
NUMBER = "number"  # a decimal that is not a count, such as levels moved on a scale
UNITS = [COUNT, PERCENT, POUNDS, DURATION, NUMBER]


@dataclass(frozen=True)
class Result:
    """One figure for one period. `value` None means no data (nothing to divide by)."""

    value: float | None
    # How many things the figure is about: the denominator of a rate, the answers counted.
    volume: int | None = None
    note: str = ""


NO_DATA = Result(None)


@dataclass(frozen=True)
class Figure:
    slug: str
    label: str
    section: str
    unit: str
    description: str
    # compute(data) -> Result, or for a breakdown a list of (label, Result)
    compute: Callable
    breakdown: bool = False
    # Snapshot figures describe now (work queues): only the period that includes today has one.
    snapshot: bool = False
    # Shown beside the four KPIs (the inclusion figures).
    beside_kpis: bool = False
    order: int = 0


_FIGURES: dict[str, Figure] = {}
# Event name -> the attribute names kept in the rollup key, in order ("value" is the event value).
_EVENT_KEYS: dict[str, tuple[str, ...]] = {}


def register_event_key(name: str, attributes: tuple[str, ...]) -> None:
    _EVENT_KEYS[name] = tuple(attributes)


def event_key_names(name: str) -> tuple[str, ...]:
    return _EVENT_KEYS.get(name, ())


def _part(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or value in ("True", "False"):
        return str(value).lower()
    return str(value).replace("|", "/")[:40]


def event_key(name: str, attributes: dict, value: int) -> str:
    """The rollup key of one event: its grouping attributes joined with "|"."""
    names = _EVENT_KEYS.get(name)
    if not names:
        return ""
    attributes = attributes or {}
    return "|".join(
        _part(value) if part == "value" else _part(attributes.get(part)) for part in names
    )[:120]


def register_figure(
    *,
    slug: str,
    label: str,
    section: str,
    unit: str,
    description: str,
    compute: Callable,
    breakdown: bool = False,
    snapshot: bool = False,
    beside_kpis: bool = False,
) -> Figure:
    if section not in SECTIONS:
        raise ValueError(f"Unknown section {section!r}")
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}")
    existing = _FIGURES.get(slug)
    figure = Figure(
        slug=slug,
        label=label,
        section=section,
        unit=unit,
        description=description,
        compute=compute,
        breakdown=breakdown,
        snapshot=snapshot,
        beside_kpis=beside_kpis,
        order=existing.order if existing else len(_FIGURES),
    )
    _FIGURES[slug] = figure
    return figure


def all_figures() -> list[Figure]:
    return sorted(
        _FIGURES.values(), key=lambda figure: (SECTIONS.index(figure.section), figure.order)
    )


def get(slug: str) -> Figure:
    return _FIGURES[slug]


def by_section() -> list[tuple[str, list[Figure]]]:
    return [
        (section, [figure for figure in all_figures() if figure.section == section])
        for section in SECTIONS
    ]


# --- Helpers for compute functions -------------------------------------------------------------


def ratio(numerator: float, denominator: float, note: str = "") -> Result:
    """A percentage; no data rather than a division by zero."""
    if not denominator:
        return Result(None, volume=0)
    return Result(
        100 * numerator / denominator,
        volume=int(denominator),
        note=note or f"{format_count(numerator)} of {format_count(denominator)}",
    )


def count(value: float) -> Result:
    return Result(value, volume=int(value))


def percentile(values: list[int], percent: float) -> float | None:
    """The nearest-rank percentile of the values (median: 50); None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))  # ceil without floats going astray
    return float(ordered[int(rank) - 1])


# --- Formatting --------------------------------------------------------------------------------


def _round(value: float, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_count(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{_round(value, 1):,}"


def plain_value(unit: str, value: float | None) -> str:
    """The number as the exports write it: no symbols, rounded as the page shows it."""
    if value is None:
        return ""
    if unit == PERCENT:
        return str(_round(value, 1))
    if unit == POUNDS:
        return str(_round(value, 2))
    if unit == DURATION:
        return str(int(_round(value, 0)))
    if unit == NUMBER:
        return str(_round(value, 1))
    return str(int(value)) if float(value).is_integer() else str(_round(value, 1))


def format_duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{_round(seconds / 86400, 1)} days"
    if seconds >= 2 * 3600:
        return f"{_round(seconds / 3600, 1)} hours"
    minutes = int(_round(seconds / 60, 0))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def format_value(unit: str, value: float | None) -> str:
    if value is None:
        return "no data"
    if unit == PERCENT:
        return f"{_round(value, 1)}%"
    if unit == POUNDS:
        return f"£{_round(value, 2):,}"
    if unit == DURATION:
        return format_duration(value)
    if unit == NUMBER:
        return f"{_round(value, 1):,}"
    return format_count(value)


def format_change(unit: str, current: float | None, previous: float | None) -> str:
    """Plain words for the change from the previous period."""
    if current is None or previous is None:
        return "No data to compare with the previous period"
    difference = current - previous
    if unit == PERCENT:
        amount = f"{_round(abs(difference), 1)} percentage points"
    elif unit == DURATION:
        amount = format_duration(abs(difference))
    else:
        amount = format_value(unit, abs(difference)).lstrip("+")
    if _round(difference, 2) == 0:
        return "No change from the previous period"
    direction = "Up" if difference > 0 else "Down"
    return f"{direction} {amount} from the previous period"
