"""Field builders and helpers the inclusion forms share."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst

from doorstep.core.dates import DateField
from doorstep.core.forms import GovukForm

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(label: str, *, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def date_field(label: str, *, required=True, what="the date") -> DateField:
    """The GOV.UK date input; `what` names the date in its messages, as the services do
    ("Enter the date of the session", "The date of the session must be a real date")."""
    return DateField(label=label, noun=capfirst(what), required=required)


def time_field(label: str, *, what="the time") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text="For example, 10:30 or 14:00",
        input_formats=["%H:%M", "%H.%M", "%I:%M%p", "%I%p", "%I:%M %p"],
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a real time, like 10:30 or 14:00",
        },
    )


def checkboxes(label: str, table: dict, *, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=list(table.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose only from the options listed"},
    )


def add_rule_errors(form: forms.Form, check, arguments: dict) -> None:
    """Run the service's rule checks from clean(), so a form with a bad date or number also
    shows "Select at least one topic" at once rather than on the next submit. A field that
    already failed keeps its own message: the rules about it are skipped."""
    failed = set(form.errors)
    try:
        check(**arguments)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name in failed:
                continue
            for message in messages:
                form.add_error(name if name in form.fields else None, message)


def values_for(form: forms.Form, defaults: dict) -> dict:
    """The cleaned values, with a neutral value standing in for a field that failed."""
    return {name: form.cleaned_data.get(name, default) for name, default in defaults.items()}


def split_languages(value: str | None) -> list[str]:
    return [x for x in (value or "").split(",") if x.strip()]


def combine(day: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    if day is None or time is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time))


class RuleCheckedForm(GovukForm):
    """A form whose service rules also run when a field fails (see add_rule_errors).

    `rule_defaults` names the arguments of `check_rules` and what stands in for a failed field.
    """

    rule_defaults: dict = {}

    def check_rules(self, **arguments) -> None:
        raise NotImplementedError

    def rule_arguments(self) -> dict:
        return values_for(self, self.rule_defaults)

    def clean(self):
        data = super().clean()
        if self.errors:
            add_rule_errors(self, self.check_rules, self.rule_arguments())
        return data


class LanguagesForm(RuleCheckedForm):
    """The languages are typed as one comma-separated line; the service takes a list."""

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["languages"] = split_languages(data["languages"])
        return data

    def rule_arguments(self) -> dict:
        arguments = super().rule_arguments()
        arguments["languages"] = split_languages(arguments["languages"])
        return arguments


def phone_field(label: str, *, help_text: str = "", autocomplete: bool = True) -> forms.CharField:
    attrs = {"autocomplete": "tel"} if autocomplete else {}
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.TextInput(attrs={**attrs, "type": "tel"}),
    )


def email_field(label: str, *, help_text: str = "", autocomplete: bool = False) -> forms.CharField:
    attrs = {"autocomplete": "email"} if autocomplete else {}
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.EmailInput(attrs={**attrs, "spellcheck": "false"}),
    )


def postcode_field(*, help_text: str = "", autocomplete: bool = False) -> forms.CharField:
    attrs = {"autocomplete": "postal-code"} if autocomplete else {}
    return forms.CharField(
        label="Postcode (optional)",
        help_text=help_text,
        required=False,
        widget=forms.TextInput(attrs={**attrs, "class": "govuk-input--width-10"}),
    )


def long_text(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def number_field(label: str, *, invalid: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"invalid": invalid},
    )


def radio_number(label: str, choices, **options) -> forms.TypedChoiceField:
    """A number picked from `choices` (radios unless `widget` says otherwise), None if none."""
    options.setdefault("widget", forms.RadioSelect)
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, empty_value=None, required=False, **options
    )
