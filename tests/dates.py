"""What a browser posts for a GOV.UK date input (core.dates.DateField): three boxes."""

import datetime


def date_parts(name: str, value: datetime.date | str | None) -> dict[str, str]:
    """`date_parts("due_date", date(2026, 3, 27))` or `date_parts("due_date", "31 2 2026")`
    -> {"due_date_day": "27", "due_date_month": "3", "due_date_year": "2026"}. A string is
    split on single spaces, so "27  2026" has no month; None leaves all three boxes empty."""
    if value is None:
        typed = ["", "", ""]
    elif isinstance(value, datetime.date):
        typed = [str(value.day), str(value.month), str(value.year)]
    else:
        typed = value.split(" ")
    return {
        f"{name}_{part}": text for part, text in zip(("day", "month", "year"), typed, strict=True)
    }


def fill_date(page, legend: str, value: datetime.date) -> None:
    """Type a date into the GOV.UK date input whose legend is `legend`, as a person would."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))
