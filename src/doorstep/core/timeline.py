"""The resident timeline: one protocol every capability uses to add and show its events.

A capability registers the kinds of event it writes (once, in its AppConfig.ready) and calls
`add_event` inside the transaction that made the change. The Single View pages through
`events_for` and filters by kind without knowing which app wrote what.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.utils import timezone

from .models import TimelineEvent


@dataclass(frozen=True)
class EventKind:
    slug: str
    label: str


_KINDS: dict[str, EventKind] = {}


def register_kind(slug: str, label: str) -> None:
    _KINDS[slug] = EventKind(slug, label)


def kinds() -> list[EventKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)


def label_for(slug: str) -> str:
    return _KINDS[slug].label if slug in _KINDS else slug.replace("_", " ").capitalize()


def add_event(
    *,
    resident_id: int,
    kind: str,
    summary: str,
    body: str = "",
    actor=None,
    occurred_at: datetime | None = None,
    source: object | None = None,
    url: str = "",
) -> TimelineEvent:
    if kind not in _KINDS:
        raise ValueError(f"Unknown timeline event kind {kind!r}: register it first")
    source_type = source_id = ""
    if source is not None:
        source_type = source._meta.label_lower
        source_id = str(source.pk)
    return TimelineEvent.objects.create(
        resident_id=resident_id,
        kind=kind,
        summary=summary[:300],
        body=body,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        occurred_at=occurred_at or timezone.now(),
        source_type=source_type,
        source_id=source_id,
        url=url,
    )


def events_for(
    resident_id: int, *, kinds: list[str] | None = None, page: int | str = 1, per_page: int = 25
) -> Page:
    events = TimelineEvent.objects.filter(resident_id=resident_id).select_related("actor")
    if kinds:
        events = events.filter(kind__in=kinds)
    return Paginator(events, per_page).get_page(page)


@dataclass
class TimelinePage:
    """One page of events without a COUNT(*): enough for newer/older links on the Single View."""

    object_list: list[TimelineEvent]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def recent_events(
    resident_id: int, *, kinds: list[str] | None = None, page: int | str = 1, per_page: int = 25
) -> TimelinePage:
    """Like events_for, but reads one extra row instead of counting them all."""
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    events = TimelineEvent.objects.filter(resident_id=resident_id).select_related("actor")
    if kinds:
        events = events.filter(kind__in=kinds)
    start = (number - 1) * per_page
    rows = list(events[start : start + per_page + 1])
    return TimelinePage(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)


def move_events(*, from_resident_id: int, to_resident_id: int) -> int:
    """Used when two records of one person are merged: the events follow the person."""
    return TimelineEvent.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
