"""The coordinator's impact figures for a period and a postcode area."""

from django import forms

from doorstep.core.forms import GovukForm

from .fields import (
    date_field,
)


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
