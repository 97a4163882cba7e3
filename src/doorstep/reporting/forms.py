"""Forms: the dashboard's filters, the satisfaction question, and the channel costs."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.layout import Button, Fieldset, Size
from django import forms

from doorstep.core.dates import DateField, needed_date
from doorstep.core.forms import govuk_helper
from doorstep.core.models import ServiceEvent

from . import periods
from .models import COSTED_CHANNELS, SurveyInvitation
from .survey import MAX_COMMENT, QUESTION

MAX_CUSTOM_DAYS = 731
# The figures start with the service: an earlier year is a slip of the keyboard.
EARLIEST = datetime.date(2000, 1, 1)


class DashboardForm(forms.Form):
    """The period, team and channel the figures are for. A GET form, so links can be shared."""

    period = forms.ChoiceField(
        label="Period",
        choices=periods.KINDS,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a week, month, quarter or your own dates"},
    )
    on = forms.DateField(required=False, widget=forms.HiddenInput)
    team = forms.ChoiceField(
        label="Team",
        required=False,
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    channel = forms.ChoiceField(
        label="Channel",
        required=False,
        choices=[("", "All channels"), *ServiceEvent.Channel.choices],
        error_messages={"invalid_choice": "Choose a channel from the list"},
    )

    def __init__(self, *args, teams, all_teams: bool, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        choices = [(str(team.pk), team.name) for team in teams]
        self.fields["team"].choices = ([("", "All teams")] if all_teams else []) + choices
        self.all_teams = all_teams
        # Named "from" and "to" (boxes from_day, to_year...) so that links shared before stay
        # good; neither name can be written as a class attribute.
        for name, label in (("from", "Start date"), ("to", "End date")):
            self.fields[name] = DateField(label=label, required=False, earliest=EARLIEST)

    def clean_on(self):
        return self.cleaned_data.get("on") or self.today

    def clean_team(self):
        value = self.cleaned_data.get("team")
        if not value:
            if self.all_teams:
                return None
            choices = self.fields["team"].choices
            if not choices:
                raise forms.ValidationError("You are not in a team, so there are no figures")
            return int(choices[0][0])
        return int(value)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("period") or periods.MONTH
        cleaned["period"] = kind
        start = needed_date(self, "from", kind == periods.CUSTOM)
        end = needed_date(self, "to", kind == periods.CUSTOM)
        if kind != periods.CUSTOM:
            if "on" in cleaned:
                on = min(cleaned["on"], self.today)
                cleaned["chosen"] = periods.containing(kind, on)
            return cleaned
        if start and start > self.today:
            self.add_error("from", "Start date must be today or in the past")
        elif start and end and end < start:
            self.add_error("to", "End date must be the same as or after the start date")
        elif start and end and (end - start).days >= MAX_CUSTOM_DAYS:
            self.add_error("to", "Choose dates no more than 2 years apart")
        elif start and end:
            cleaned["chosen"] = periods.Period(periods.CUSTOM, start, end)
        return cleaned


class SurveyForm(forms.Form):
    answer = forms.TypedChoiceField(
        label=QUESTION,
        coerce=int,
        choices=SurveyInvitation.ANSWERS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you felt about the service",
            "invalid_choice": "Choose how you felt about the service",
        },
    )
    comment = forms.CharField(
        label="How could we improve this service?",
        help_text="Optional. Do not include personal details, like your name or address",
        required=False,
        widget=forms.Textarea,
        max_length=MAX_COMMENT,
        error_messages={
            "max_length": f"Your answer must be {MAX_COMMENT:,} characters or fewer",
        },
    )


_POUNDS = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
MAX_POUNDS = Decimal(100_000)


def parse_pounds(text: str, label: str) -> int:
    """Pence from "4.50", "£4.50" or "1,200"; a ValidationError in plain words otherwise."""
    text = (text or "").strip()
    if not text:
        raise forms.ValidationError(f"Enter {label}, like 4.50. Enter 0 if there is none")
    if text.startswith("-"):
        raise forms.ValidationError(f"{label.capitalize()} must be 0 or more")
    if not _POUNDS.match(text):
        raise forms.ValidationError(f"Enter {label} in pounds, like 4.50")
    pounds = Decimal(text.lstrip("£").strip().replace(",", ""))
    if pounds > MAX_POUNDS:
        raise forms.ValidationError(f"{label.capitalize()} must be £100,000 or less")
    return int(pounds * 100)


class CostsForm(forms.Form):
    """The costs behind cost per transaction, per channel and overall."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = []
        for channel, label in COSTED_CHANNELS:
            names = [f"{channel}_minutes", f"{channel}_hourly", f"{channel}_postage"]
            self.fields[names[0]] = forms.CharField(
                label="Staff minutes for each transaction",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[names[1]] = forms.CharField(
                label="Staff cost per hour, in pounds", required=False
            )
            self.fields[names[2]] = forms.CharField(
                label="Postage and printing for each transaction, in pounds", required=False
            )
            layout.append(Fieldset(*names, legend=label, legend_size=Size.MEDIUM))
        self.fields["fragment_price"] = forms.CharField(
            label="Price of one text fragment, in pence",
            help_text="What your text provider charges for each 160 characters, like 2.27",
            required=False,
        )
        self.fields["overhead"] = forms.CharField(
            label="Overhead each month, in pounds",
            help_text="Costs not tied to one channel: licences, hosting, managers' time",
            required=False,
        )
        layout.append(
            Fieldset("fragment_price", "overhead", legend="Other costs", legend_size=Size.MEDIUM)
        )
        self.helper = govuk_helper(*layout, Button("submit", "Save costs"))

    def clean(self):
        cleaned = super().clean()
        channels = {}
        for channel, label in COSTED_CHANNELS:
            values = {}
            minutes = (self.data.get(f"{channel}_minutes") or "").strip()
            if not minutes:
                self.add_error(
                    f"{channel}_minutes",
                    f"Enter the staff minutes for {label.lower()}, like 12. Enter 0 if none",
                )
            elif not minutes.isdigit():
                self.add_error(f"{channel}_minutes", "Enter the minutes as a whole number, like 12")
            elif int(minutes) > 10_000:
                self.add_error(f"{channel}_minutes", "Minutes must be 10,000 or fewer")
            else:
                values["staff_minutes"] = int(minutes)
            for suffix, key, words in (
                ("hourly", "cost_per_hour_pence", "a cost per hour"),
                ("postage", "postage_pence", "a cost"),
            ):
                try:
                    values[key] = parse_pounds(self.data.get(f"{channel}_{suffix}"), words)
                except forms.ValidationError as error:
                    self.add_error(f"{channel}_{suffix}", error)
            channels[channel] = values
        cleaned["channels"] = channels
        price = (self.data.get("fragment_price") or "").strip().rstrip("p")
        try:
            fragment = Decimal(price)
            if not price or fragment < 0 or fragment > 1000 or fragment != round(fragment, 2):
                raise InvalidOperation
            cleaned["price_per_fragment_pence"] = fragment
        except (InvalidOperation, ValueError):
            self.add_error("fragment_price", "Enter the price in pence, like 2.27. Enter 0 if none")
        try:
            cleaned["monthly_overhead_pence"] = parse_pounds(self.data.get("overhead"), "a cost")
        except forms.ValidationError as error:
            self.add_error("overhead", error)
        return cleaned

    @staticmethod
    def initial_from(costs) -> dict:
        initial = {}
        for channel, _label in COSTED_CHANNELS:
            cost = costs.per_channel.get(channel)
            initial[f"{channel}_minutes"] = str(cost.staff_minutes) if cost else "0"
            initial[f"{channel}_hourly"] = f"{(cost.cost_per_hour_pence if cost else 0) / 100:.2f}"
            initial[f"{channel}_postage"] = f"{(cost.postage_pence if cost else 0) / 100:.2f}"
        initial["fragment_price"] = str(costs.price_per_fragment_pence)
        initial["overhead"] = f"{costs.monthly_overhead_pence / 100:.2f}"
        return initial
