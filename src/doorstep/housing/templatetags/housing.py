"""Figures in words for residents: months and years, chances out of 100."""

from django import template

from ..estimator import DAYS_PER_MONTH, MIN_LETS

register = template.Library()


@register.filter
def months_words(months) -> str:
    if months is None:
        return ""
    months = float(months)
    if months < 1:
        return "less than a month"
    if months < 23.5:
        whole = int(months + 0.5)  # half up: 4.5 months reads "about 5 months"
        return f"about {whole} month{'s' if whole != 1 else ''}"
    if months > 240:
        return "more than 20 years"
    halves = int(months / 6 + 0.5)
    years, half = divmod(halves, 2)
    return f"about {years} and a half years" if half else f"about {years} years"


@register.filter
def days_words(days) -> str:
    return "" if days is None else months_words(float(days) / DAYS_PER_MONTH)


@register.filter
def chance_words(chance) -> str:
    if chance is None:
        return ""
    out_of_100 = round(float(chance) * 100)
    if chance < 0.01:
        return "less than 1 in 100"
    if chance > 0.99:
        return "more than 99 in 100"
    return f"{out_of_100} in 100"


@register.filter
def percent(chance) -> int:
    """For the width of a bar: 0 to 100."""
    return 0 if chance is None else max(0, min(100, round(float(chance) * 100)))


@register.filter
def months_number(months) -> str:
    return "" if months is None else f"{float(months):.1f}"


@register.simple_tag
def range_words(low, high) -> str:
    """'between 18 months and 3 years' from two numbers of months."""
    low_words = months_words(low).removeprefix("about ")
    high_words = months_words(high).removeprefix("about ")
    if low_words == high_words:
        return months_words(low)
    return f"between {low_words} and {high_words}"


@register.filter
def days_to_months(days):
    return None if days is None else float(days) / DAYS_PER_MONTH


@register.simple_tag
def min_lets() -> int:
    return MIN_LETS
