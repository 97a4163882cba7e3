from django import forms

from doorstep.core.forms import GovukForm


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
