from django import forms

from doorstep.core.forms import GovukForm

from .models import Scope


class NewTokenForm(GovukForm):
    submit_label = "Create token"

    name = forms.CharField(
        label="Which system will use the token?",
        help_text="A name your colleagues will recognise, like 'Housing register sync'",
        max_length=100,
        error_messages={
            "required": "Enter the name of the system that will use the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What may the system do?",
        help_text="Choose only what the system needs. A request for anything else is refused.",
        choices=Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "There is no scope '%(value)s': choose from the list",
        },
    )
    # Sent by this page's form, so an empty choice is told apart from a request that never
    # offered one (which gets every scope, as tokens had before scopes existed).
    choosing_scopes = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if "scopes" not in cleaned:
            return cleaned
        if cleaned.get("scopes"):
            return cleaned
        if cleaned.get("choosing_scopes"):
            self.add_error("scopes", "Choose what the token may do")
        else:
            cleaned["scopes"] = None
        return cleaned
