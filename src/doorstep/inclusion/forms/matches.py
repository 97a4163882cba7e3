"""Offering a request to a Friend, arranging the first meeting, logging a session."""

from django import forms

from doorstep.core.forms import GovukForm

from .. import skills
from .fields import (
    checkboxes,
    combine,
    date_field,
    long_text,
    number_field,
    radio_number,
    time_field,
)


class OfferForm(forms.Form):
    friend = forms.IntegerField(
        error_messages={"required": "Choose a Digital Friend", "invalid": "Choose a Digital Friend"}
    )


class AcceptForm(GovukForm):
    submit_label = "Accept and send texts"

    meeting_date = date_field(
        "Date of the first meeting", required=False, what="the date of the first meeting"
    )
    meeting_time = time_field("Time of the first meeting", what="the time of the first meeting")
    meeting_place = forms.CharField(
        label="Where will you meet?",
        help_text="For example, Central Library, or by phone",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_time"].required = False

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "first_meeting_at": combine(data["meeting_date"], data["meeting_time"]),
            "meeting_place": data["meeting_place"],
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("meeting_date")
            and not data.get("meeting_time")
            and "meeting_time" not in self.errors
        ):
            self.add_error("meeting_time", "Enter the time of the first meeting")
        return data


CONFIDENCE = [(str(n), label) for n, label in skills.CONFIDENCE_CHOICES]


class SessionForm(GovukForm):
    submit_label = "Save the session"

    held_on = date_field("Date of the session", required=False, what="the date of the session")
    minutes = number_field(
        "How long was it, in minutes?", invalid="Enter the length in minutes, like 45"
    )
    topics = checkboxes("What did you cover?", skills.TOPICS, help_text="Select all that apply")
    can_now_do = long_text("What can they now do?")
    confidence_before = radio_number("How confident did they feel before?", CONFIDENCE)
    confidence_after = radio_number("How confident did they feel after?", CONFIDENCE)
    next_step = forms.CharField(label="Next step (optional)", required=False)
    now_online = forms.BooleanField(
        label="They now use a service online that they used by phone or on paper before",
        required=False,
    )
