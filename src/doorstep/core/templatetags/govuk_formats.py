"""Template filters for times in GOV.UK style (core.formats), loaded on every template.

    {{ text.created_at|govuk_datetime:"j M Y" }}  ->  3 Dec 2026 at 7:48am
    {{ event.ends_at|govuk_time }}                ->  4:30pm

Django's own `date` filter is for days only: tests/core/test_time_formats.py refuses a time
format in it, so times keep one style.
"""

from django import template

from doorstep.core import formats

register = template.Library()


@register.filter
def govuk_time(value) -> str:
    return formats.govuk_time(value)


@register.filter
def govuk_datetime(value, date_format: str = "j F Y") -> str:
    return formats.govuk_datetime(value, date_format)
