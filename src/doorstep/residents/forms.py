"""Officer forms for a resident's record. Validation rules live in services.clean_resident_data."""

from crispy_forms_gds.layout import Button, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError

from doorstep.core.dates import DateField
from doorstep.core.forms import GovukForm, add_service_errors, govuk_helper

from . import services
from .models import Flag, HouseholdMember, Resident

CONTACT_CHOICES = Resident.ContactMethod.choices


class ResidentForm(forms.Form):
    """Create or change a resident. Field errors come from the service's own checks."""

    title = forms.CharField(required=False, max_length=20, label="Title (optional)")
    first_name = forms.CharField(required=False, max_length=100, label="First name")
    last_name = forms.CharField(required=False, max_length=100, label="Last name")
    preferred_name = forms.CharField(
        required=False,
        max_length=100,
        label="Preferred name (optional)",
        help_text="The name the resident likes to be called",
    )
    date_of_birth = DateField(
        required=False,
        label="Date of birth (optional)",
        example="31 3 1980",
        must_be="past",
        autocomplete="bday",
    )
    national_insurance_number = forms.CharField(
        required=False,
        max_length=13,
        label="National Insurance number (optional)",
        help_text="It's on the resident's National Insurance card, benefit letter or payslip. For example, ‘AB 12 34 56 C’",
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-10"}),
    )
    phones = forms.CharField(
        required=False,
        label="Phone numbers (optional)",
        help_text="One a line. Put the number to text first. For example, 07700 900 982",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.CharField(required=False, label="E-mail address (optional)")
    address_line_1 = forms.CharField(required=False, max_length=200, label="Address line 1")
    address_line_2 = forms.CharField(
        required=False, max_length=200, label="Address line 2 (optional)"
    )
    town = forms.CharField(required=False, max_length=100, label="Town or city")
    postcode = forms.CharField(
        required=False,
        max_length=10,
        label="Postcode",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    language = forms.CharField(required=False, max_length=60, label="Main language")
    needs_interpreter = forms.BooleanField(required=False, label="Needs an interpreter")
    preferred_contact = forms.ChoiceField(
        choices=CONTACT_CHOICES,
        label="How they prefer to be contacted",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the resident prefers to be contacted"},
    )
    consents_to_text = forms.BooleanField(
        required=False, label="The resident agrees to receive text messages from us"
    )

    def __init__(self, *args, resident: Resident | None = None, **kwargs):
        self.resident = resident
        if resident is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(resident, name) for name in services.EDITABLE_FIELDS},
                "national_insurance_number": resident.ni_number_display,
                "phones": "\n".join(phone.number for phone in resident.phones.all()),
            }
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Fieldset(
                "title",
                "first_name",
                "last_name",
                "preferred_name",
                "date_of_birth",
                "national_insurance_number",
                legend="Who they are",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "phones",
                "email",
                "preferred_contact",
                "consents_to_text",
                "language",
                "needs_interpreter",
                legend="Contact",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "address_line_1",
                "address_line_2",
                "town",
                "postcode",
                legend="Address",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save"),
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.clean_resident_data(self.changes(), resident=self.resident)
            except ValidationError as error:
                add_service_errors(self, error)
        return data

    def changes(self) -> dict:
        """The submitted values as the service expects them: phones as a list."""
        data = dict(self.cleaned_data)
        data["phones"] = [line for line in data.get("phones", "").splitlines() if line.strip()]
        return data


class NoteForm(GovukForm):
    submit_label = "Add note"
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={
            "required": "Enter the note",
            "max_length": "The note must be 10,000 characters or fewer",
        },
    )


class FlagForm(GovukForm):
    submit_label = "Add flag"
    kind = forms.ChoiceField(
        choices=Flag.Kind.choices,
        label="Kind of flag",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of flag"},
    )
    description = forms.CharField(
        label="Why is it needed?",
        max_length=300,
        error_messages={"required": "Describe why the flag is needed"},
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a resident",
        required=False,
        max_length=200,
        help_text="Name, date of birth, phone number, postcode, National Insurance number or case reference",
    )


class HouseholdMemberForm(GovukForm):
    submit_label = "Add to household"
    reference = forms.CharField(
        label="Their resident reference",
        help_text="Find them first, then copy the reference from their record. For example, R0000123",
        max_length=12,
        error_messages={"required": "Enter the resident reference of the person to add"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    relationship = forms.ChoiceField(
        choices=[c for c in HouseholdMember.Relationship.choices if c[0] != "lead"],
        label="How are they related to the lead member?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they are related"},
    )

    def clean_reference(self):
        text = self.cleaned_data["reference"].strip().upper().removeprefix("R")
        if not text.isdigit():
            raise ValidationError("Enter a resident reference, like R0000123")
        member = Resident.objects.filter(pk=int(text)).first()
        if member is None:
            raise ValidationError("There is no resident with that reference")
        return member
