"""Forms for the public pages and the upload pages."""

from django import forms

from doorstep.core.dates import DateField
from doorstep.core.forms import GovukForm

from .importing import MAX_FILE_BYTES
from .models import BEDROOM_SIZES, bedrooms_label


class EstimateForm(forms.Form):
    """Band and bedroom need for the public page (a GET form: works without JavaScript)."""

    band = forms.ChoiceField(
        label="Your band",
        widget=forms.RadioSelect,
        help_text="It is on the letter or e-mail the council sent when you joined the register",
        error_messages={"required": "Choose your band", "invalid_choice": "Choose your band"},
    )
    bedrooms = forms.TypedChoiceField(
        label="How many bedrooms you need",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(size, bedrooms_label(size)) for size in BEDROOM_SIZES],
        error_messages={
            "required": "Choose how many bedrooms you need",
            "invalid_choice": "Choose how many bedrooms you need",
        },
    )

    def __init__(self, *args, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = {band.name: band for band in bands}
        self.fields["band"].choices = [
            (band.name, f"Band {band.name}" + (f": {band.description}" if band.description else ""))
            for band in bands
        ]


class LookupForm(forms.Form):
    reference = forms.CharField(
        label="Your housing register reference",
        help_text="It is on your letter from the council, like HR123456",
        max_length=40,
        error_messages={
            "required": "Enter your housing register reference",
            "max_length": "The reference must be 40 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = DateField(
        label="Lead applicant's date of birth",
        noun="Date of birth",
        example="27 3 1985",
        must_be="past",
        autocomplete="bday",
        error_messages={"required": "Enter the lead applicant's date of birth"},
    )


class UploadForm(GovukForm):
    submit_label = "Upload and check the file"

    file = forms.FileField(
        label="CSV file",
        help_text=f"Saved as CSV UTF-8, smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty. Choose a CSV file with a row of column names",
            "invalid": "Choose a CSV file to upload",
            "missing": "Choose a CSV file to upload",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB"
            )
        return uploaded
