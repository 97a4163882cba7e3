"""Forms for the officer pages: templates, sending to one resident, opting out and in, the
phone simulator. Laid out by hand in the templates (radios with revealed fields, a date input),
with the error summary at the top."""

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.core.dates import DateField, needed_date
from doorstep.core.validators import format_phone_for_display

from . import composing, rules, sms

OWN_TEXT = "own"
NOW, LATER = "now", "later"
# Texts can be scheduled this far ahead; further is more likely a mistyped year.
LATEST_SCHEDULE = timedelta(days=366)
MAX_REASON_LENGTH = 300
MAX_REPLY_LENGTH = sms.MAX_LENGTH

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def parse_time(text: str) -> time | None:
    """'9:30am', '2pm', '14:00', '14.30', 'midday' -> a time; None when it is not one."""
    text = " ".join(text.lower().split())
    if text in {"midday", "noon", "12 noon"}:
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if minute > 59:
        return None
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif hour > 23 or match.group(2) is None:
        # "9" alone could be morning or evening: ask for am, pm or the 24-hour clock.
        return None
    return time(hour, minute)


def placeholder_field_name(template_pk: int, position: int) -> str:
    return f"value_{template_pk}_{position}"


def caller_placeholders(template) -> list[str]:
    """The placeholders an officer must fill in by hand to send this template."""
    return [name for name in template.placeholders if name not in composing.STANDARD_PLACEHOLDERS]


def send_date_field(noun: str) -> DateField:
    """The date of "At a date and time": optional to the field, since the form asks for it
    only when that choice is made (see core.dates.needed_date)."""
    return DateField(label="Date", noun=noun, required=False)


def radios(label: str, *, required: str, invalid: str) -> forms.ChoiceField:
    """A required GOV.UK radios question; the view sets its choices. `required` is the error when
    none is chosen, `invalid` when the answer is not one of the choices shown."""
    return forms.ChoiceField(
        label=label,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": invalid},
    )


def text_box(label: str, *, noun: str, max_length: int) -> forms.CharField:
    """A required three-line text box whose errors name what it holds ("Enter the reason")."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length,
        error_messages={
            "required": f"Enter the {noun}",
            "max_length": f"The {noun} must be {max_length} characters or fewer",
        },
    )


class TemplateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="Officers choose templates by name, for example ‘Documents reminder’",
        max_length=100,
        error_messages={
            "required": "Enter a name for the template",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    description = forms.CharField(
        label="When to use it (optional)",
        help_text="Shown to officers under the name",
        max_length=200,
        required=False,
        error_messages={"max_length": "The description must be 200 characters or fewer"},
    )
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the text of the message"},
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            composing.check_template_body(body)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return body


class PreviewForm(forms.Form):
    """What the live count posts: the text, and on the send page the resident it is for."""

    text = forms.CharField(required=False, strip=False)
    resident = forms.IntegerField(required=False)


class SendForm(forms.Form):
    choice = radios(
        "What do you want to send?",
        required="Choose a template or write your own text",
        invalid="Choose one of the templates shown, or write your own text",
    )
    body = forms.CharField(
        label="Your text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Your name and team are added at the end",
    )
    number = radios(
        "Which number?",
        required="Choose the number to send the text to",
        invalid="Choose one of the resident's own mobile numbers",
    )
    when = forms.ChoiceField(
        label="When should it be sent?",
        widget=forms.RadioSelect,
        choices=[(NOW, "Now"), (LATER, "At a date and time")],
        error_messages={"required": "Choose when to send the text"},
    )
    send_date = send_date_field("The date to send the text")
    send_time = forms.CharField(
        label="Time",
        required=False,
        max_length=12,
        help_text="For example, 9:30am or 14:00",
    )
    # Makes a double-clicked "Send text" send once: the key stays the same for this text.
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, resident, templates, numbers, **kwargs):
        """`numbers`: the resident's mobiles that can be texted; the field accepts any of the
        resident's numbers so that a refusal (a landline, an opt-out since the page was shown)
        is explained by the service in plain words."""
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.templates = {f"t{template.pk}": template for template in templates}
        self.textable_numbers = numbers
        self.fields["choice"].choices = [
            *((value, template.name) for value, template in self.templates.items()),
            (OWN_TEXT, "Write your own text"),
        ]
        self.fields["number"].choices = [
            (phone.number, format_phone_for_display(phone.number))
            for phone in resident.phones.all()
        ]
        if len(numbers) == 1:
            self.fields["number"].widget = forms.HiddenInput()
            self.fields["number"].initial = numbers[0].number
        self.value_fields: dict[str, list[tuple[str, str]]] = {}
        for value, template in self.templates.items():
            names = caller_placeholders(template)
            self.value_fields[value] = []
            for position, name in enumerate(names, start=1):
                field_name = placeholder_field_name(template.pk, position)
                self.fields[field_name] = forms.CharField(
                    label=name.capitalize(),
                    required=False,
                    max_length=200,
                    error_messages={
                        "max_length": f"The {name} must be 200 characters or fewer",
                    },
                )
                self.value_fields[value].append((name, field_name))

    def template_choices(self) -> list[dict]:
        """The template radios, each with its description, text and fields to fill in."""
        return [
            {
                "value": value,
                "template": template,
                "fields": [self[field_name] for _, field_name in self.value_fields[value]],
            }
            for value, template in self.templates.items()
        ]

    @property
    def number_is_hidden(self) -> bool:
        return self.fields["number"].widget.is_hidden

    def clean(self):
        data = super().clean()
        if self.number_is_hidden and "number" in self.errors:
            # A hidden field's error would not reach the error summary: show it at the top.
            for message in self.errors.pop("number"):
                self.add_error(None, message)
        choice = data.get("choice")
        if choice == OWN_TEXT:
            if not data.get("body", "").strip():
                self.add_error("body", "Enter your text")
        elif choice in self.templates:
            for name, field_name in self.value_fields[choice]:
                if field_name in data and not data[field_name].strip():
                    self.add_error(field_name, f"Enter the {name}")
        day = needed_date(self, "send_date", data.get("when") == LATER)
        if data.get("when") == LATER:
            data["send_at"] = self._clean_send_at(day)
        elif data.get("when") == NOW:
            data["send_at"] = None
        return data

    def _clean_send_at(self, day: date | None) -> datetime | None:
        clock = self._clean_send_time()
        if day is None or clock is None:
            return None
        moment = datetime.combine(day, clock, tzinfo=rules.UK)
        now = timezone.now()
        if moment <= now:
            self.add_error("send_date", "The date and time to send the text must be in the future")
            return None
        if moment > now + LATEST_SCHEDULE:
            self.add_error("send_date", "The date to send the text must be within the next year")
            return None
        return moment.astimezone(UTC)

    def _clean_send_time(self) -> time | None:
        text = self.cleaned_data.get("send_time", "").strip()
        if not text:
            self.add_error("send_time", "Enter the time to send the text")
            return None
        clock = parse_time(text)
        if clock is None:
            self.add_error("send_time", "Enter a real time, like 9:30am or 14:00")
        return clock

    def service_arguments(self) -> dict:
        """What composing.preview_message and services.send_message need."""
        data = self.cleaned_data
        choice = data["choice"]
        arguments = {"number": data["number"]}
        if choice == OWN_TEXT:
            arguments["body"] = data["body"]
        else:
            arguments["template"] = self.templates[choice]
            arguments["values"] = {
                name: data[field_name].strip() for name, field_name in self.value_fields[choice]
            }
        return arguments


class OptOutForm(forms.Form):
    number = radios(
        "Which number?",
        required="Choose the number",
        invalid="Choose one of the numbers shown",
    )
    reason = text_box("Reason", noun="reason", max_length=MAX_REASON_LENGTH)

    def __init__(self, *args, numbers: list[str], reason_help: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].choices = [
            (number, format_phone_for_display(number)) for number in numbers
        ]
        self.fields["reason"].help_text = reason_help
        if len(numbers) == 1:
            self.fields["number"].widget = forms.HiddenInput()
            self.fields["number"].initial = numbers[0]


class ReplyForm(forms.Form):
    body = text_box("Reply as the resident", noun="reply", max_length=MAX_REPLY_LENGTH)


def new_key() -> str:
    return str(uuid.uuid4())
