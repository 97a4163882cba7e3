"""Digital Friends: volunteering, a coordinator adding or changing one, approving, declining."""

from django import forms

from doorstep.core.forms import GovukForm

from .. import services, skills
from ..models import DigitalFriend
from .fields import (
    LanguagesForm,
    checkboxes,
    date_field,
    email_field,
    long_text,
    phone_field,
    postcode_field,
    radio_number,
)

FRIEND_DEFAULTS = {
    "full_name": "",
    "email": "",
    "phone": "",
    "kind": "",
    "topics": [],
    "languages": "",
    "places": [],
    "availability": [],
    "postcode": "",
    "capacity": None,
    "available_from": None,
}


class FriendForm(LanguagesForm):
    rule_defaults = FRIEND_DEFAULTS
    submit_label = "Send"

    full_name = forms.CharField(label="Full name", required=False)
    email = email_field("E-mail address", autocomplete=True)
    phone = phone_field(
        "Mobile number (optional)", help_text="For a text when you are matched with someone"
    )
    kind = forms.ChoiceField(
        label="Are you a member of staff or a community volunteer?",
        choices=DigitalFriend.Kind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    topics = checkboxes("What can you help with?", skills.TOPICS, help_text="Select all that apply")
    languages = forms.CharField(
        label="Languages you speak",
        help_text="Separate them with commas, like English, Bengali",
        required=False,
        initial="English",
    )
    places = checkboxes("Where can you help?", skills.PLACES, help_text="Select all that apply")
    availability = checkboxes(
        "When are you usually free?", skills.SLOTS, help_text="Select all the times in a usual week"
    )
    postcode = postcode_field(help_text="So we can match you with people nearby", autocomplete=True)
    capacity = radio_number(
        "How many people can you help at a time?",
        [(n, str(n)) for n in range(1, 6)],
        widget=forms.Select,
    )
    available_from = date_field(
        "When can you start? (optional)", required=False, what="the date you can start"
    )

    def check_rules(self, **arguments) -> None:
        services.clean_friend(**arguments)


class AdminFriendForm(FriendForm):
    submit_label = "Add the Friend"


class EditFriendForm(LanguagesForm):
    """A coordinator changing an approved Friend's details (name and kind stay as signed up)."""

    submit_label = "Save changes"

    email = email_field("E-mail address", help_text="The address they sign in with does not change")
    phone = phone_field("Mobile number (optional)", autocomplete=False)
    topics = checkboxes(
        "What can they help with?", skills.TOPICS, help_text="Select all that apply"
    )
    languages = forms.CharField(
        label="Languages they speak", help_text="Separate them with commas, like English, Bengali"
    )
    places = checkboxes("Where can they help?", skills.PLACES, help_text="Select all that apply")
    availability = checkboxes(
        "When are they usually free?",
        skills.SLOTS,
        help_text="Select all the times in a usual week",
    )
    postcode = postcode_field()
    capacity = radio_number(
        "How many people can they help at a time?",
        [(n, str(n)) for n in range(1, services.MAX_CAPACITY + 1)],
        widget=forms.Select,
        error_messages={
            "invalid_choice": f"Enter how many people they can help at a time, from 1 to "
            f"{services.MAX_CAPACITY}"
        },
    )
    dbs_checked_on = date_field(
        "Date of their DBS check (needed for home visits)",
        required=False,
        what="the date of their DBS check",
    )

    def __init__(self, *args, friend: DigitalFriend, **kwargs):
        self.friend = friend
        super().__init__(*args, **kwargs)
        self.fields["languages"].required = False

    @staticmethod
    def initial_for(friend: DigitalFriend) -> dict:
        return {
            "email": friend.email,
            "phone": friend.phone,
            "topics": friend.topics,
            "languages": ", ".join(friend.languages),
            "places": friend.places,
            "availability": friend.availability,
            "postcode": friend.postcode,
            "capacity": friend.capacity,
            "dbs_checked_on": friend.dbs_checked_on,
        }

    rule_defaults = {
        **{k: FRIEND_DEFAULTS[k] for k in services.EDITABLE_FRIEND_FIELDS},
        "dbs_checked_on": None,
    }

    def check_rules(self, **arguments) -> None:
        services.clean_friend_changes(friend=self.friend, **arguments)


class DeclineFriendForm(GovukForm):
    submit_label = "Decline"

    reason = long_text(
        "Why are they not being approved?",
        help_text="For example, the references were not good enough. Only coordinators see this",
    )


class ApproveForm(GovukForm):
    submit_label = "Approve"

    safeguarding_trained_on = date_field(
        "Date they finished safeguarding training",
        required=False,
        what="the date of their safeguarding training",
    )
    data_protection_trained_on = date_field(
        "Date they finished data protection training",
        required=False,
        what="the date of their data protection training",
    )
    dbs_checked_on = date_field(
        "Date of their DBS check (needed for home visits)",
        required=False,
        what="the date of their DBS check",
    )
