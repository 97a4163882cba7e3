"""Template filters for times and names in GOV.UK style (core.formats), loaded on every
template.

    {{ text.created_at|govuk_datetime:"j M Y" }}  ->  3 Dec 2026 at 7:48am
    {{ event.ends_at|govuk_time }}                ->  4:30pm
    Reject the {{ document_type.name|in_sentence }}  ->  Reject the photo ID

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


@register.filter
def in_sentence(value) -> str:
    return formats.in_sentence(value)
