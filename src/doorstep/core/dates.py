"""The one field for a date a person types: the GOV.UK date input, three boxes for the day,
month and year (https://design-system.service.gov.uk/components/date-input/).

The boxes are named `<field>_day`, `<field>_month` and `<field>_year`, so the page works as a
plain form post without JavaScript. Its errors follow the Design System: one message naming
the date, and the error styling only on the boxes with the problem (`DateBoundField.parts`).
Templates draw it with `includes/date_input.html`; crispy forms do so through
`core.forms.govuk_helper`.
"""

import calendar
import datetime
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import dateformat, timezone
from django.utils.text import capfirst

PARTS = ("day", "month", "year")
EXAMPLE = "27 3 2026"
# A year before this is a slip of the keyboard ("0226") in every date the service asks for.
EARLIEST = datetime.date(1900, 1, 1)

# "Jan", "january" and "Sept" as well as 1 or 01: people copy dates from letters and passports.
MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}

MUST_BE = {
    "past": ("must be in the past", lambda day, today: day < today),
    "today_or_past": ("must be today or in the past", lambda day, today: day <= today),
    "future": ("must be in the future", lambda day, today: day > today),
    "today_or_future": ("must be today or in the future", lambda day, today: day >= today),
}


class DateError(ValidationError):
    """A problem with a date, and which of its boxes hold the problem (all three unless said)."""

    def __init__(self, message, code="invalid", parts: Iterable[str] = PARTS):
        super().__init__(message, code=code)
        self.parts = tuple(parts)


class GovukDateInput(forms.MultiWidget):
    """The day, month and year boxes. `includes/date_input.html` draws them; this widget reads
    them from the submitted data and splits an initial date into them."""

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput() for part in PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateHiddenInput(GovukDateInput):
    """The three boxes as hidden inputs (`{{ field.as_hidden }}`), for a page that posts the
    answers again, like a check-before-sending page."""

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, {part: forms.HiddenInput() for part in PARTS}, attrs)


class DateBoundField(BoundField):
    """What the template needs: each box with its name, id, value and whether it is wrong."""

    @property
    def wrong_parts(self) -> tuple[str, ...]:
        """The boxes to style as wrong: those the field's own error names, or all three for an
        error about the date as a whole (one a form or a service adds later)."""
        wrong = set()
        for error in self.errors.as_data():
            wrong.update(getattr(error, "parts", PARTS))
        return tuple(part for part in PARTS if part in wrong)

    @property
    def error_target(self) -> str:
        """The id the error summary links to: the first box with a problem."""
        wrong = self.wrong_parts
        return f"{self.auto_id}_{wrong[0] if wrong else 'day'}"

    @property
    def parts(self) -> list[dict]:
        values = self.value()
        if not isinstance(values, list | tuple):
            values = self.field.widget.decompress(values)
        wrong = self.wrong_parts
        autocomplete = self.field.autocomplete
        return [
            {
                "name": f"{self.html_name}_{part}",
                "id": f"{self.auto_id}_{part}",
                "label": part.capitalize(),
                "value": "" if value is None else value,
                "width": 4 if part == "year" else 2,
                "wrong": part in wrong,
                "autocomplete": f"{autocomplete}-{part}" if autocomplete else "",
            }
            for part, value in zip(PARTS, values, strict=True)
        ]


def _lower_first(text: str) -> str:
    """'Due date' -> 'due date', but 'DBS check date' stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _name_from_label(label: str) -> str:
    return str(label).replace("(optional)", "").strip().rstrip("?").strip()


def _long(day: datetime.date) -> str:
    return dateformat.format(day, "j F Y")


class DateField(forms.MultiValueField):
    """A date typed in the GOV.UK date input; cleans to a `datetime.date`, or None when an
    optional date is left empty.

    `noun` names the date in messages ("Due date must include a month"); it defaults to the
    label without "(optional)". The message for an empty required date is "Enter the due date"
    unless `error_messages={"required": ...}` says otherwise. `hint` comes before the example
    ("For example, 27 3 2026"). `must_be` is "past", "today_or_past", "future" or
    "today_or_future" (against today's date in the service's time zone); `earliest` and
    `latest` bound it. `autocomplete="bday"` is for a date of birth.
    """

    widget = GovukDateInput
    hidden_widget = GovukDateHiddenInput

    def __init__(
        self,
        *,
        label: str,
        noun: str = "",
        hint: str = "",
        example: str = EXAMPLE,
        must_be: str | None = None,
        earliest: datetime.date | None = EARLIEST,
        latest: datetime.date | None = None,
        autocomplete: str = "",
        **kwargs,
    ):
        if must_be is not None and must_be not in MUST_BE:
            raise ValueError(f"must_be is one of {', '.join(MUST_BE)}, not {must_be!r}")
        self.noun = capfirst(noun or _name_from_label(label))
        self.must_be = must_be
        self.earliest = earliest
        self.latest = latest
        self.autocomplete = autocomplete
        lowered = _lower_first(self.noun)
        the = "" if lowered.split(" ")[0] in {"the", "your", "their", "his", "her"} else "the "
        error_messages = {"required": f"Enter {the}{lowered}", **kwargs.pop("error_messages", {})}
        super().__init__(
            fields=[forms.CharField(required=False) for _ in PARTS],
            require_all_fields=False,
            label=label,
            help_text=f"{hint} For example, {example}".strip(),
            error_messages=error_messages,
            **kwargs,
        )

    def get_bound_field(self, form, field_name):
        return DateBoundField(form, self, field_name)

    def compress(self, data_list):
        # Unused: clean() below reads the boxes itself, to say which one is wrong.
        return None

    def clean(self, value):
        if self.disabled and not isinstance(value, list):
            value = self.widget.decompress(value)
        texts = [str(part or "").strip() for part in (list(value or []) + [None] * 3)[:3]]
        day = self.parse(*texts)
        if day is not None:
            self.check_bounds(day)
        self.run_validators(day)
        return day

    def parse(self, day: str, month: str, year: str) -> datetime.date | None:
        texts = dict(zip(PARTS, (day, month, year), strict=True))
        if not any(texts.values()):
            if self.required:
                raise DateError(self.error_messages["required"], code="required")
            return None
        missing = [part for part in PARTS if not texts[part]]
        if missing:
            raise DateError(
                f"{self.noun} must include a {' and '.join(missing)}",
                code="incomplete",
                parts=missing,
            )
        numbers = {
            "day": _number(day, 1, 31),
            "month": MONTHS.get(month.lower().rstrip(".")) or _number(month, 1, 12),
            "year": _number(year, 0, 10**6),
        }
        wrong = [part for part in PARTS if numbers[part] is None]
        if wrong:
            raise DateError(f"{self.noun} must be a real date", parts=wrong)
        if len(year) != 4:
            raise DateError("Year must include 4 numbers", code="year", parts=["year"])
        try:
            return datetime.date(numbers["year"], numbers["month"], numbers["day"])
        except ValueError:
            # 31 2 2026: no single box is wrong, so the date as a whole is.
            raise DateError(f"{self.noun} must be a real date") from None

    def check_bounds(self, day: datetime.date) -> None:
        if self.must_be is not None:
            words, holds = MUST_BE[self.must_be]
            if not holds(day, timezone.localdate()):
                raise DateError(f"{self.noun} {words}", code=self.must_be)
        if self.earliest is not None and day < self.earliest:
            raise DateError(
                f"{self.noun} must be the same as or after {_long(self.earliest)}", code="earliest"
            )
        if self.latest is not None and day > self.latest:
            raise DateError(
                f"{self.noun} must be the same as or before {_long(self.latest)}", code="latest"
            )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


def _number(text: str, lowest: int, highest: int) -> int | None:
    # The length check first: int() of a long enough string of digits refuses to convert.
    if len(text) > 6 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if lowest <= number <= highest else None


def needed_date(form: forms.BaseForm, name: str, needed: bool) -> datetime.date | None:
    """The date of an optional DateField that another answer makes necessary ("At a date and
    time", "Chosen dates"). When needed and left empty, the field's "Enter the ..." message;
    when not needed, its boxes are ignored, and so are any mistakes in them. Call from clean()."""
    if not needed:
        form.errors.pop(name, None)
        return None
    if name in form.errors:
        return None
    if form.cleaned_data.get(name) is None:
        form.add_error(name, form.fields[name].error_messages["required"])
        return None
    return form.cleaned_data[name]
