"""Shared form plumbing: every form renders with the GOV.UK Design System through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


def govuk_helper(*layout) -> FormHelper:
    """A crispy-forms-gds helper for a form whose <form> tag, CSRF token and hidden fields the
    template writes itself (crispy would otherwise nest a second <form> inside it)."""
    helper = FormHelper()
    # A core.dates.DateField is drawn as the GOV.UK date input, wherever the layout puts it.
    helper.field_template = "includes/crispy_field.html"
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message beside its field, or at the
    top of the error summary when it is not about one of the form's fields."""
    for field, messages in error.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def input_names(form: forms.BaseForm) -> set[str]:
    """The names the form's inputs submit: a date field's as its three boxes (due_date_day...)."""
    names = set()
    for name, field in form.fields.items():
        html_name = form.add_prefix(name)
        names.update(html_name + suffix for suffix in getattr(field.widget, "widgets_names", [""]))
    return names


class GovukForm(forms.Form):
    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(*self.fields, Button("submit", self.submit_label))


class GovukModelForm(forms.ModelForm):
    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(*self.fields, Button("submit", self.submit_label))


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password",
        "inactive": "This account has been switched off. Ask an administrator for help",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].error_messages["required"] = "Enter your e-mail address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.helper = govuk_helper("username", "password", Button("submit", "Sign in"))


class TwoFactorForm(GovukForm):
    submit_label = "Continue"
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, like 123456",
        max_length=8,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6-digit code, using numbers only")
        if self.device is not None and not self.device.verify_is_allowed()[0]:
            # django-otp makes people wait longer after each wrong code; say so plainly.
            raise forms.ValidationError(
                "You have entered too many wrong codes. Wait a few seconds, then try the newest code"
            )
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError("The code is not right or has expired. Try the newest code")
        return code


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your e-mail address",
                "invalid": "Enter an e-mail address in the correct format, like name@example.com",
            }
        )
        self.helper = govuk_helper("email", Button("submit", "Send a reset link"))


class NewPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = govuk_helper(
            "new_password1", "new_password2", Button("submit", "Change password")
        )
