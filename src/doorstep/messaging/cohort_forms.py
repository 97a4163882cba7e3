"""Forms for group texts and for linking texts from unknown numbers to a resident."""

from datetime import datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.core.dates import needed_date
from doorstep.residents.models import Resident

from . import cohorts, composing, rules
from .forms import send_date_field
from .models import Template

FILTER_PREFIX = "filter_"
MAX_DAYS = 3650

NO_FILTER_ERROR = (
    "Choose at least one way to pick residents, so the text does not go to everyone by mistake"
)


def _placeholder_hint() -> str:
    names = [f"(({name}))" for name in composing.STANDARD_PLACEHOLDERS]
    return "You can use " + ", ".join(names[:-1]) + " and " + names[-1]


def _filter_field(cohort_filter: cohorts.CohortFilter) -> forms.Field:
    label = cohort_filter.label
    if cohort_filter.widget == "select":
        return forms.ChoiceField(
            label=label,
            help_text=cohort_filter.hint,
            required=False,
            choices=[("", "Any")] + [(str(v), str(t)) for v, t in cohort_filter.choices()],
            error_messages={"invalid_choice": f"Choose one of the options for “{label}”"},
        )
    if cohort_filter.widget == "number":
        return forms.IntegerField(
            label=label,
            help_text=cohort_filter.hint,
            required=False,
            min_value=1,
            max_value=MAX_DAYS,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            error_messages={
                "invalid": f"Enter a whole number for “{label}”, like 14",
                "min_value": f"Enter a number of 1 or more for “{label}”",
                "max_value": f"Enter a number of {MAX_DAYS} or less for “{label}”",
            },
        )
    return forms.CharField(
        label=label, help_text=cohort_filter.hint, required=False, max_length=200
    )


class CohortForm(forms.Form):
    """Who to text, what to say and when. Filters come from cohorts.filters(), whatever app
    registered them."""

    name = forms.CharField(
        label="Name for this group text",
        help_text="Only staff see it, like “Rent statement reminder, March”",
        max_length=200,
        error_messages={
            "required": "Enter a name for this group text",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    template = forms.ModelChoiceField(
        label="Template",
        queryset=Template.objects.filter(is_active=True),
        required=False,
        empty_label="No template: I will write the message",
        error_messages={"invalid_choice": "Choose a template from the list"},
    )
    body = forms.CharField(
        label="Message",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"max_length": "The message must be 2,000 characters or fewer"},
    )
    when = forms.ChoiceField(
        label="When to send it",
        choices=[("now", "Now"), ("later", "At a date and time")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select when to send the group text",
            "invalid_choice": "Select when to send the group text",
        },
    )
    send_date = send_date_field("The date to send it")
    send_time = forms.CharField(
        label="Time",
        help_text="In the 24-hour clock, like 09:30 or 14:30",
        required=False,
        max_length=5,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _placeholder_hint()
        # Filters first in the form (and in the error summary), in the order they were registered.
        filter_fields = {FILTER_PREFIX + f.name: _filter_field(f) for f in cohorts.filters()}
        self.fields = {"name": self.fields.pop("name"), **filter_fields, **self.fields}
        self.criteria: dict = {}
        self.text = ""
        self.send_after: datetime | None = None

    @property
    def filter_fields(self):
        return [self[name] for name in self.fields if name.startswith(FILTER_PREFIX)]

    def clean(self):
        cleaned = super().clean()
        self._clean_criteria(cleaned)
        self._clean_text(cleaned)
        self._clean_send_after(cleaned)
        return cleaned

    def _clean_criteria(self, cleaned) -> None:
        names = [name for name in self.fields if name.startswith(FILTER_PREFIX)]
        if any(name in self.errors for name in names):
            return
        self.criteria = {
            name.removeprefix(FILTER_PREFIX): cleaned[name]
            for name in names
            if cleaned.get(name) not in (None, "")
        }
        if not self.criteria and names:
            self.add_error(names[0], NO_FILTER_ERROR)

    def _clean_text(self, cleaned) -> None:
        if "template" in self.errors or "body" in self.errors:
            return
        template, body = cleaned.get("template"), cleaned.get("body", "").strip()
        if template and body:
            self.add_error("body", "Choose a template or write a message, not both")
            return
        if not template and not body:
            self.add_error("body", "Write the message, or choose a template")
            return
        self.text = template.body if template else body
        try:
            cohorts.check_text(self.text)
        except ValidationError as error:
            for message in error.messages:
                self.add_error("template" if template else "body", message)

    def _clean_send_after(self, cleaned) -> None:
        self.send_after = None
        chosen_date = needed_date(self, "send_date", cleaned.get("when") == "later")
        if chosen_date is None:
            return
        chosen_time = _parse_time(cleaned.get("send_time", ""))
        if chosen_time is None:
            self.add_error("send_time", "Enter the time in the 24-hour clock, like 09:30 or 14:30")
            return
        moment = datetime.combine(chosen_date, chosen_time, rules.UK)
        if moment <= timezone.now():
            self.add_error("send_date", "The date and time to send it must be in the future")
            return
        self.send_after = moment

    def criteria_described(self) -> list[tuple[str, str]]:
        return describe_criteria(self.criteria)

    def hidden_values(self) -> list[tuple[str, str]]:
        """The raw answers, for the check page to send back unchanged (a date as its boxes)."""
        values = []
        for name, field in self.fields.items():
            suffixes = getattr(field.widget, "widgets_names", [""])
            for suffix in suffixes:
                values.append((self[name].html_name + suffix, self.data.get(name + suffix, "")))
        return values


def _parse_time(text: str) -> time | None:
    text = text.strip().replace(".", ":")
    if ":" not in text:
        return None
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        return None
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def describe_criteria(criteria: dict) -> list[tuple[str, str]]:
    """A group text's filters in words, e.g. [("Has a case with team", "Housing Needs")]."""
    described = []
    by_name = {f.name: f for f in cohorts.filters()}
    for name, value in criteria.items():
        cohort_filter = by_name.get(name)
        if cohort_filter is None:
            described.append((name, str(value)))
            continue
        shown = str(value)
        if cohort_filter.choices is not None:
            shown = {str(v): str(t) for v, t in cohort_filter.choices()}.get(shown, shown)
        described.append((cohort_filter.label, shown))
    return described


class LinkTextsForm(forms.Form):
    """Choose the resident who sent texts from a number we could not match."""

    resident = forms.IntegerField(
        label="Who sent these texts?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the resident who sent these texts",
            "invalid": "Select the resident who sent these texts",
        },
    )

    def clean_resident(self) -> Resident:
        resident = Resident.objects.filter(
            pk=self.cleaned_data["resident"], merged_into=None
        ).first()
        if resident is None:
            raise ValidationError("Select one of the residents shown")
        return resident
