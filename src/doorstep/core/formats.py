"""How times and names are written for people, on pages and in texts, in GOV.UK style.

"7:48am", "3pm" (no ":00" for a whole hour), "12:30pm", "midday" and "midnight" (not "12pm" or
"12am"), lowercase am and pm with no space and no leading zero. Times are shown in the site's
time zone (UK time). Pages use the `govuk_time` and `govuk_datetime` template filters
(core.templatetags.govuk_formats); Python code that writes a time for a person calls these.
"""

import datetime

from django.utils import dateformat, timezone


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def govuk_time(value: datetime.datetime | datetime.time | None) -> str:
    """The time of day of `value`, like "7:48am"; empty for None."""
    if value is None or value == "":
        return ""
    clock = _local(value).time() if isinstance(value, datetime.datetime) else value
    if clock.minute == 0 and clock.hour in (0, 12):
        return "midnight" if clock.hour == 0 else "midday"
    hour = clock.hour % 12 or 12
    suffix = "am" if clock.hour < 12 else "pm"
    return f"{hour}{suffix}" if clock.minute == 0 else f"{hour}:{clock.minute:02d}{suffix}"


def govuk_datetime(value: datetime.datetime | None, date_format: str = "j F Y") -> str:
    """The day (in a Django date format) and the time, like "3 December 2026 at 7:48am"."""
    if value is None or value == "":
        return ""
    local = _local(value)
    return f"{dateformat.format(local, date_format)} at {govuk_time(local)}"


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "Photo ID" as "photo ID" (not "photo id", as
    lower() would make it), "Proof of address" as "proof of address"; a name that starts with
    an abbreviation or a proper noun ("PIP award letter", "Universal Credit statement") as it is.
    """
    words = str(name or "").split(" ")
    first = words[0]
    if not first or (len(first) > 1 and first.isupper()):
        return str(name or "")
    second = words[1] if len(words) > 1 else ""
    if second[:1].isupper() and not second.isupper():
        return str(name)
    return " ".join([first[:1].lower() + first[1:], *words[1:]])
