"""Events: making one, changing its places, signing up."""

from django import forms

from doorstep.core.forms import GovukForm

from .. import skills
from .fields import (
    checkboxes,
    combine,
    date_field,
    long_text,
    number_field,
    phone_field,
    time_field,
)


class EventForm(GovukForm):
    submit_label = "Create the event"

    title = forms.CharField(
        label="Name of the event", required=False, initial="Digital speed dating"
    )
    place = forms.CharField(label="Where", required=False)
    day = date_field("Date", required=False, what="the date of the event")
    starts = time_field("Starts at", what="the time the event starts")
    ends = time_field("Ends at", what="the time the event ends")
    capacity = number_field(
        "How many people can come?", invalid="Enter how many people can come, like 20"
    )
    topics = checkboxes(
        "What will Friends help with?", skills.TOPICS, help_text="Select all that apply"
    )
    description = long_text(
        "Description (optional)",
        help_text="For example, bring your own phone, tablet or laptop",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts"].required = False
        self.fields["ends"].required = False

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "place": data["place"],
            "starts_at": combine(data["day"], data["starts"]),
            "ends_at": combine(data["day"], data["ends"]),
            "capacity": data["capacity"],
            "topics": data["topics"],
            "description": data["description"],
        }


class CapacityForm(GovukForm):
    submit_label = "Change"

    capacity = number_field(
        "How many people can come?", invalid="Enter how many people can come, like 20"
    )


class EventSignupForm(GovukForm):
    submit_label = "Sign up"

    name = forms.CharField(label="Your name", required=False)
    phone = phone_field("Mobile number", help_text="Give a mobile number or an e-mail address")
    email = forms.CharField(label="E-mail address", required=False, widget=forms.EmailInput())
