"""When texts may go out, and what a reply means. Pure functions of their arguments and settings."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from doorstep.core import formats

UK = ZoneInfo("Europe/London")

# Networks block a number that gets more than these in an hour.
MAX_TEXTS_PER_NUMBER_PER_HOUR = 100
MAX_IDENTICAL_TEXTS_PER_NUMBER_PER_HOUR = 20
# A text with no final status this long after sending is counted as a temporary failure.
FINAL_STATUS_DEADLINE = timedelta(hours=72)

# A reply whose first word is one of these opts the number out; providers use similar lists.
STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout"}
START_WORDS = {"start", "unstop", "optin"}
_WORDS = re.compile(r"[a-z]+")


def _first_words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())[:2]


def is_stop_request(text: str) -> bool:
    """'STOP', 'stop.', 'Stop thank you', 'unsubscribe', 'stop all', 'opt out' all count."""
    words = _first_words(text)
    if not words:
        return False
    return words[0] in STOP_WORDS or "".join(words) in STOP_WORDS


def is_start_request(text: str) -> bool:
    words = _first_words(text)
    if not words:
        return False
    return words[0] in START_WORDS or "".join(words) in START_WORDS


def _parse_clock(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class QuietHours:
    """A nightly window, e.g. 21:00-08:00 UK time, in which no text is sent."""

    start: time
    end: time

    @classmethod
    def from_setting(cls, value: str | None = None) -> "QuietHours | None":
        value = settings.SMS_QUIET_HOURS if value is None else value
        if not value.strip():
            return None
        start, end = value.split("-")
        return cls(_parse_clock(start), _parse_clock(end))

    def contains(self, moment: datetime) -> bool:
        clock = moment.astimezone(UK).time()
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """`moment` itself if texts may go then, otherwise the end of this quiet spell."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(UK)
        day = local.date() if local.time() < self.end else local.date() + timedelta(days=1)
        # Built from the wall clock, so a clock change overnight still ends at 08:00 UK time.
        return datetime.combine(day, self.end, tzinfo=UK)


def next_send_time(moment: datetime) -> datetime:
    quiet = QuietHours.from_setting()
    return quiet.next_allowed(moment) if quiet else moment


DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True)
class InboxHours:
    """When officers read texts, e.g. 'Mon-Fri 09:00-17:00'."""

    days: frozenset[int]
    opens: time
    closes: time

    @classmethod
    def from_setting(cls, value: str | None = None) -> "InboxHours | None":
        """None when the setting is empty: the inbox is always read, so no automatic replies."""
        value = settings.SMS_INBOX_HOURS if value is None else value
        if not value.strip():
            return None
        day_part, hours_part = value.split()
        first, _, last = day_part.lower().partition("-")
        start_day = DAYS.index(first[:3])
        end_day = DAYS.index((last or first)[:3])
        days = frozenset(
            (start_day + offset) % 7 for offset in range((end_day - start_day) % 7 + 1)
        )
        opens, closes = hours_part.split("-")
        return cls(days, _parse_clock(opens), _parse_clock(closes))

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(UK)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def last_closed(self, moment: datetime) -> datetime:
        """When the inbox last closed before `moment`: the start of this out-of-hours spell."""
        local = moment.astimezone(UK)
        for back in range(8):
            day = (local - timedelta(days=back)).date()
            if day.weekday() not in self.days:
                continue
            closing = datetime.combine(day, self.closes, tzinfo=UK)
            if closing <= local:
                return closing
        return local

    def describe(self) -> str:
        """'Monday to Friday, 9am to 5pm'."""
        names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        ordered = sorted(self.days)
        if len(ordered) == 1:
            day_text = names[ordered[0]]
        else:
            day_text = f"{names[ordered[0]]} to {names[ordered[-1]]}"
        return f"{day_text}, {_clock_words(self.opens)} to {_clock_words(self.closes)}"


def _clock_words(clock: time) -> str:
    return formats.govuk_time(clock)
