"""Forms for digital inclusion. Fields are lenient; services.py holds the rules and messages."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.core.forms import GovukForm

from . import scale, services, skills
from .models import AccessNeeds, DigitalFriend

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_HELP = "For example, 27/3/2026"
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]


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


def date_field(label: str, *, required=True, what="the date") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=DATE_HELP,
        required=required,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a real date, like 27/3/2026",
        },
    )


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


class SkillsCheckForm(forms.Form):
    """Laid out by hand in check.html: the statements grouped, then the routing questions."""

    tasks = forms.MultipleChoiceField(
        required=False,
        choices=list(skills.ALL_TASKS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose only from the statements listed"},
    )
    ever_used = yes_no("Have you ever used the internet?")
    wants_to_be_online = yes_no(
        "Would you like to be online?", help_text="Only if you have never used the internet"
    )
    still_uses = yes_no("Do you still use the internet?")
    likes_using = yes_no("Do you like using the internet?")
    basics = forms.ChoiceField(
        label="Which of these can you do on your own: send an e-mail, search for something, "
        "sign up for and use an online service, buy something online?",
        choices=scale.BASICS_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    needs_help = yes_no("Do you need help to do things online?")
    advanced = yes_no(
        "Do you have advanced skills?",
        help_text="Like setting up devices for other people, building a website or fixing problems",
    )
    has_device = yes_no("Do you have a device of your own that can go online?")
    connection = forms.ChoiceField(
        label="How do you get online?",
        choices=skills.CONNECTION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    enough_data = yes_no("Do you have enough data or wi-fi for what you need to do?")
    confidence = forms.TypedChoiceField(
        label="How confident do you feel online?",
        choices=skills.CONFIDENCE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    ROUTING = [
        "ever_used",
        "wants_to_be_online",
        "still_uses",
        "likes_using",
        "basics",
        "needs_help",
        "advanced",
    ]

    def groups(self) -> list[dict]:
        """The statements with ids numbered from 1 across the form (id_tasks_1 …)."""
        chosen = set(self.data.getlist("tasks")) if self.is_bound else set()
        number = 0
        layout = []
        sections = [("foundation", "Foundation: using a device", skills.FOUNDATION_TASKS)]
        sections += [(a.slug, a.label, a.tasks) for a in skills.LIFE_AREAS]
        for slug, heading, tasks in sections:
            boxes = []
            for task_slug, text in tasks.items():
                number += 1
                boxes.append(
                    {
                        "id": f"id_tasks_{number}",
                        "slug": task_slug,
                        "text": text,
                        "checked": task_slug in chosen,
                    }
                )
            layout.append({"slug": slug, "heading": heading, "boxes": boxes})
        return layout

    def routing_fields(self):
        return [self[name] for name in self.ROUTING]

    def access_fields(self):
        return [self["has_device"], self["connection"], self["enough_data"], self["confidence"]]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "tasks": data["tasks"],
            "routing": {name: data[name] for name in self.ROUTING if data[name] not in (None, "")},
            "has_device": bool(data["has_device"]),
            "connection": data["connection"] or "",
            "enough_data": bool(data["enough_data"]),
            "confidence": data["confidence"],
        }


class AccessNeedsForm(GovukForm):
    submit_label = "Save"

    channels = checkboxes(
        "How do they want to be contacted?",
        dict(AccessNeeds.Channel.choices),
        help_text="Select all that apply",
    )
    needs_help_online = forms.BooleanField(
        label="Needs someone to help them use online services", required=False
    )
    language = forms.CharField(
        label="Language they prefer (optional)", required=False, max_length=60
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        help_text="For example, large print, a screen reader, British Sign Language",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FriendForm(GovukForm):
    submit_label = "Send"

    full_name = forms.CharField(label="Full name", required=False)
    email = forms.CharField(
        label="E-mail address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Mobile number (optional)",
        help_text="For a text when you are matched with someone",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
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
    postcode = forms.CharField(
        label="Postcode (optional)",
        help_text="So we can match you with people nearby",
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}
        ),
    )
    capacity = forms.TypedChoiceField(
        label="How many people can you help at a time?",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    available_from = date_field(
        "When can you start? (optional)", required=False, what="the date you can start"
    )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["languages"] = split_languages(data["languages"])
        return data

    def clean(self):
        data = super().clean()
        if self.errors:
            arguments = values_for(self, FRIEND_DEFAULTS)
            arguments["languages"] = split_languages(arguments["languages"])
            add_rule_errors(self, services.clean_friend, arguments)
        return data


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


class AdminFriendForm(FriendForm):
    submit_label = "Add the Friend"


class EditFriendForm(GovukForm):
    """A coordinator changing an approved Friend's details (name and kind stay as signed up)."""

    submit_label = "Save changes"

    email = forms.CharField(
        label="E-mail address",
        help_text="The address they sign in with does not change",
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Mobile number (optional)",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
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
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    capacity = forms.TypedChoiceField(
        label="How many people can they help at a time?",
        choices=[(n, str(n)) for n in range(1, services.MAX_CAPACITY + 1)],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": f"Enter how many people they can help at a time, from 1 to "
            f"{services.MAX_CAPACITY}"
        },
    )
    dbs_checked_on = date_field(
        "Date of their DBS check (needed for home visits)",
        required=False,
        what="the date of the DBS check",
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

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["languages"] = split_languages(data["languages"])
        return data

    def clean(self):
        data = super().clean()
        if self.errors:
            arguments = values_for(
                self,
                {
                    **{k: FRIEND_DEFAULTS[k] for k in services.EDITABLE_FRIEND_FIELDS},
                    "dbs_checked_on": None,
                },
            )
            arguments["languages"] = split_languages(arguments["languages"])
            add_rule_errors(
                self,
                lambda **a: services.clean_friend_changes(friend=self.friend, **a),
                arguments,
            )
        return data


class DeclineFriendForm(GovukForm):
    submit_label = "Decline"

    reason = forms.CharField(
        label="Why are they not being approved?",
        help_text="For example, the references were not good enough. Only coordinators see this",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(GovukForm):
    submit_label = "Approve"

    safeguarding_trained_on = date_field(
        "Date they finished safeguarding training",
        required=False,
        what="the date of the safeguarding training",
    )
    data_protection_trained_on = date_field(
        "Date they finished data protection training",
        required=False,
        what="the date of the data protection training",
    )
    dbs_checked_on = date_field(
        "Date of their DBS check (needed for home visits)",
        required=False,
        what="the date of the DBS check",
    )


class HelpRequestForm(GovukForm):
    submit_label = "Send the request"

    name = forms.CharField(label="Name of the person who wants help", required=False)
    phone = forms.CharField(
        label="Mobile number",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.CharField(
        label="E-mail address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    consents_to_text = forms.BooleanField(
        label="Send texts about the arrangement to this mobile", required=False, initial=True
    )
    goal = forms.CharField(
        label="What do they want to be able to do?",
        help_text="For example, use the Universal Credit journal on their own",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    topics = checkboxes(
        "What do they want help with?", skills.TOPICS, help_text="Select all that apply"
    )
    language = forms.CharField(label="Language", required=False, initial="English")
    places = checkboxes("Where could they meet?", skills.PLACES, help_text="Select all that apply")
    availability = checkboxes(
        "When are they usually free?", skills.SLOTS, help_text="Select all that apply"
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    # Who is asking, for the rules that depend on it (see services.clean_help_request).
    source = "colleague"
    has_resident = False

    def clean(self):
        data = super().clean()
        if self.errors:
            arguments = values_for(self, HELP_REQUEST_DEFAULTS)
            add_rule_errors(
                self,
                services.clean_help_request,
                {"source": self.source, "has_resident": self.has_resident, **arguments},
            )
        return data


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
    minutes = forms.IntegerField(
        label="How long was it, in minutes?",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"invalid": "Enter the length in minutes, like 45"},
    )
    topics = checkboxes("What did you cover?", skills.TOPICS, help_text="Select all that apply")
    can_now_do = forms.CharField(
        label="What can they now do?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confidence_before = forms.TypedChoiceField(
        label="How confident did they feel before?",
        choices=CONFIDENCE,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    confidence_after = forms.TypedChoiceField(
        label="How confident did they feel after?",
        choices=CONFIDENCE,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    next_step = forms.CharField(label="Next step (optional)", required=False)
    now_online = forms.BooleanField(
        label="They now use a service online that they used by phone or on paper before",
        required=False,
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
    capacity = forms.IntegerField(
        label="How many people can come?",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"invalid": "Enter how many people can come, like 20"},
    )
    topics = checkboxes(
        "What will Friends help with?", skills.TOPICS, help_text="Select all that apply"
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="For example, bring your own phone, tablet or laptop",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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

    capacity = forms.IntegerField(
        label="How many people can come?",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"invalid": "Enter how many people can come, like 20"},
    )


class EventSignupForm(GovukForm):
    submit_label = "Sign up"

    name = forms.CharField(label="Your name", required=False)
    phone = forms.CharField(
        label="Mobile number",
        help_text="Give a mobile number or an e-mail address",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.CharField(label="E-mail address", required=False, widget=forms.EmailInput())


class ImpactForm(GovukForm):
    submit_label = "Show figures"

    start = date_field("From", required=False, what="the first day")
    end = date_field("To", required=False, what="the last day")
    area = forms.CharField(
        label="Postcode area (optional)",
        help_text="One or two letters, like E or SW",
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={"max_length": "Enter a postcode area: one or two letters, like E or SW"},
    )

    def clean_area(self):
        area = (self.cleaned_data["area"] or "").strip().upper()
        if area and not area.isalpha():
            raise forms.ValidationError("Enter a postcode area: one or two letters, like E or SW")
        return area

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The last day must be the same as or after the first day")
        return data
