"""Daily rollups: each past day's events counted and summed by name, team, channel and key.

`refresh()` rebuilds the days that changed since it last ran: days that have ended since then,
and days that got an event recorded late. It reads each day's events once and replaces that
day's rows, so running it twice changes nothing. A background task runs it (tasks.py) and so
does `manage.py refresh_reporting_rollups` (for cron, and `--days` to rebuild recent days).
"""

import datetime
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from doorstep.core.models import ServiceEvent

from .figures import event_key
from .models import DailyRollup, RollupState
from .periods import ONE_DAY
from .queries import day_start, local_day


def rollup_rows(day: datetime.date, *, up_to_id: int | None = None) -> list[DailyRollup]:
    """The rollup rows for one day, computed from its raw events."""
    events = ServiceEvent.objects.filter(
        occurred_at__gte=day_start(day), occurred_at__lt=day_start(day + ONE_DAY)
    )
    if up_to_id is not None:
        events = events.filter(id__lte=up_to_id)
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for name, team_id, channel, value, attributes in events.values_list(
        "name", "team_id", "channel", "value", "attributes"
    ).iterator(chunk_size=5000):
        cell = cells[(name, team_id, channel, event_key(name, attributes, value))]
        cell[0] += 1
        cell[1] += value
    return [
        DailyRollup(day=day, name=name, team_id=team_id, channel=channel, key=key, count=c, total=t)
        for (name, team_id, channel, key), (c, t) in cells.items()
    ]


def rebuild_day(day: datetime.date, *, up_to_id: int | None = None) -> int:
    rows = rollup_rows(day, up_to_id=up_to_id)
    DailyRollup.objects.filter(day=day).delete()
    DailyRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def refresh(*, now: datetime.datetime | None = None, rebuild_days: int = 0) -> list[datetime.date]:
    """Bring the rollups up to the end of yesterday; returns the days rebuilt."""
    now = now or timezone.now()
    yesterday = local_day(now) - ONE_DAY
    state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
    newest_id = ServiceEvent.objects.aggregate(newest=Max("id"))["newest"] or 0
    days: set[datetime.date] = set()
    if state.complete_through is None:
        oldest = ServiceEvent.objects.filter(id__lte=newest_id).aggregate(oldest=Min("occurred_at"))
        first = local_day(oldest["oldest"]) if oldest["oldest"] else yesterday + ONE_DAY
    else:
        first = state.complete_through + ONE_DAY
        # Days already rolled up that got an event since: rebuilt whole.
        late = ServiceEvent.objects.filter(
            id__gt=state.last_event_id,
            id__lte=newest_id,
            occurred_at__lt=day_start(first),
        ).values_list("occurred_at", flat=True)
        days.update(local_day(moment) for moment in late)
    day = first
    while day <= yesterday:
        days.add(day)
        day += ONE_DAY
    for back in range(rebuild_days):
        days.add(yesterday - datetime.timedelta(days=back))
    days = {day for day in days if day <= yesterday}
    for day in sorted(days):
        rebuild_day(day, up_to_id=newest_id)
    if state.complete_through is None or yesterday > state.complete_through:
        state.complete_through = yesterday
    state.last_event_id = newest_id
    state.refreshed_at = now
    state.version = uuid.uuid4().hex
    state.save()
    return sorted(days)


def needs_refresh(today: datetime.date | None = None) -> bool:
    """True when a day has ended since the last refresh."""
    today = today or timezone.localdate()
    state = RollupState.objects.filter(pk=1).first()
    if state is None or state.complete_through is None:
        return ServiceEvent.objects.exists()
    return state.complete_through < today - ONE_DAY
