"""Forms for reviewing documents and keeping the catalogue of document types."""

from django import forms

from doorstep.core.dates import DateField
from doorstep.core.forms import GovukModelForm
from doorstep.core.models import Team

from . import kinds, queries, services
from .models import DocumentType

OTHER_REASON = "other"


class DocumentTypeForm(GovukModelForm):
    submit_label = "Save document type"

    class Meta:
        model = DocumentType
        fields = list(DocumentType.EDITABLE_FIELDS)
        labels = {
            "name": "Name",
            "guidance": "What to tell the resident",
            "max_files": "Most files a resident can send for it",
            "several_pages": "Residents usually send several pages",
            "has_expiry": "It runs out (reviewers record its expiry date)",
            "retention_days": "Days to keep the files after a decision",
            "default_team": "Team that reviews it unless the officer chooses",
        }
        help_texts = {
            "name": "What officers choose from, like ‘Bank statements’",
            "guidance": "The resident reads this on their phone. For example: a photo of every "
            "page of your latest bank statement",
            "max_files": "From 1 to 50",
            "retention_days": "From 1 to 3650. The files are then deleted; a record that they "
            "existed is kept",
            "default_team": "Leave empty to have the officer who asks review it",
        }
        error_messages = {
            "name": {
                "required": "Enter a name for the document type",
                "max_length": "Enter a name of 120 characters or fewer",
                "unique": "There is already a document type with this name",
            },
            "guidance": {"required": "Enter what to tell the resident about this document"},
            "max_files": {
                "required": "Enter the most files a resident can send, like 10",
                "invalid": "Enter the most files as a number, like 10",
            },
            "retention_days": {
                "required": "Enter how many days to keep the files, like 365",
                "invalid": "Enter the days to keep the files as a number, like 365",
            },
            "default_team": {"invalid_choice": "Choose one of the teams"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_team"].queryset = Team.objects.order_by("name")
        self.fields["default_team"].empty_label = "No team: the officer who asks"
        self.fields["guidance"].widget = forms.Textarea(attrs={"rows": 4})
        self.fields["name"].strip = True

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = DocumentType.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a document type with this name")
        return name

    def clean_guidance(self):
        guidance = self.cleaned_data["guidance"].strip()
        if len(guidance) > 600:
            raise forms.ValidationError("Keep what to tell the resident to 600 characters or fewer")
        return guidance

    def clean_max_files(self):
        value = self.cleaned_data["max_files"]
        if not 1 <= value <= 50:
            raise forms.ValidationError("The most files must be between 1 and 50")
        return value

    def clean_retention_days(self):
        value = self.cleaned_data["retention_days"]
        if not 1 <= value <= 3650:
            raise forms.ValidationError("The days to keep the files must be between 1 and 3650")
        return value


class QueueFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Show",
        choices=[(queries.MINE, "For me"), (queries.TEAM, "For my teams")],
        required=False,
    )
    document_type = forms.TypedChoiceField(
        label="Document type", coerce=int, required=False, empty_value=None
    )
    case = forms.TypedChoiceField(label="Case", coerce=int, required=False, empty_value=None)
    order = forms.ChoiceField(
        label="Order",
        choices=[(queries.OLDEST, "Oldest first"), (queries.NEWEST, "Newest first")],
        required=False,
    )

    def __init__(self, *args, document_types=(), cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [("", "All types")] + [
            (t.pk, t.name) for t in document_types
        ]
        self.fields["case"].choices = [("", "All cases")] + [(pk, ref) for pk, ref in cases]
        for name in ("document_type", "case"):
            self.fields[name].error_messages["invalid_choice"] = (
                "Choose from the list: nothing is waiting for that one"
            )

    def value(self, name, default=None):
        if self.is_valid():
            return self.cleaned_data.get(name) or default
        return default


class AcceptForm(forms.Form):
    checklist = forms.MultipleChoiceField(
        label="Check the document",
        choices=services.CHECKLIST,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    actual_kind = forms.ChoiceField(
        label="What is the document?",
        error_messages={
            "required": "Choose what the document is",
            "invalid_choice": "Choose what the document is",
        },
    )
    # Optional here: the service asks for it when the kind of document runs out.
    expires_on = DateField(label="When does it expire?", noun="The expiry date", required=False)
    expiry_note = forms.CharField(
        label="Why are you accepting it if it has run out? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, document_type_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actual_kind"].choices = [("", "Choose")] + kinds.choices_for(
            document_type_name
        )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you rejecting it?",
        help_text="The reason is texted to the resident with a link to send the document again",
        choices=[*services.REJECTION_REASONS, (OTHER_REASON, "Another reason (type it below)")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the reason the document is rejected",
            "invalid_choice": "Choose the reason the document is rejected",
        },
    )
    other_reason = forms.CharField(
        label="Another reason, in words the resident will understand",
        required=False,
        max_length=services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Write the reason in {services.REASON_MAX_LENGTH} characters or fewer"
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == OTHER_REASON and not cleaned.get("other_reason", "").strip():
            self.add_error("other_reason", "Type the reason the document is rejected")
        return cleaned

    def reason_for_service(self) -> str:
        if self.cleaned_data["reason"] == OTHER_REASON:
            return self.cleaned_data["other_reason"]
        return self.cleaned_data["reason"]
