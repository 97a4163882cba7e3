"""Asking for a Digital Friend: an officer's referral, a colleague, the public form."""

from django import forms

from .. import services, skills
from .fields import (
    RuleCheckedForm,
    checkboxes,
    email_field,
    long_text,
    phone_field,
    postcode_field,
)

HELP_REQUEST_DEFAULTS = {
    "name": "",
    "phone": "",
    "email": "",
    "consents_to_text": False,
    "goal": "",
    "topics": [],
    "language": "English",
    "places": [],
    "availability": [],
    "postcode": "",
}


class HelpRequestForm(RuleCheckedForm):
    rule_defaults = HELP_REQUEST_DEFAULTS
    submit_label = "Send the request"

    name = forms.CharField(label="Name of the person who wants help", required=False)
    phone = phone_field("Mobile number")
    email = email_field("E-mail address (optional)")
    consents_to_text = forms.BooleanField(
        label="Send texts about the arrangement to this mobile", required=False, initial=True
    )
    goal = long_text(
        "What do they want to be able to do?",
        help_text="For example, use the Universal Credit journal on their own",
    )
    topics = checkboxes(
        "What do they want help with?", skills.TOPICS, help_text="Select all that apply"
    )
    language = forms.CharField(label="Language", required=False, initial="English")
    places = checkboxes("Where could they meet?", skills.PLACES, help_text="Select all that apply")
    availability = checkboxes(
        "When are they usually free?", skills.SLOTS, help_text="Select all that apply"
    )
    postcode = postcode_field()

    # Who is asking, for the rules that depend on it (see services.clean_help_request).
    source = "colleague"
    has_resident = False

    def check_rules(self, **arguments) -> None:
        services.clean_help_request(source=self.source, has_resident=self.has_resident, **arguments)


class ReferralForm(HelpRequestForm):
    """An officer referring a resident from the Single View."""

    source = "officer"
    has_resident = True

    contact_channel = forms.ChoiceField(
        label="How are you in touch with them for this referral?",
        choices=list(services.REFERRAL_CHANNELS.items()),
        initial="face_to_face",
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Select whether you spoke to them face to face or on the phone"
        },
    )


class PublicHelpRequestForm(HelpRequestForm):
    source = "public"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Your name"
        self.fields["phone"].label = "Mobile number"
        self.fields["phone"].help_text = "Give a mobile number or an e-mail address, or both"
        self.fields["consents_to_text"].label = "Text me about the arrangement"
        self.fields["goal"].label = "What do you want to be able to do?"
        self.fields["topics"].label = "What do you want help with?"
        self.fields["places"].label = "Where could you meet a Digital Friend?"
        self.fields["availability"].label = "When are you usually free?"
