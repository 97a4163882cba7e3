"""Forms for asking for documents and for the resident's date-of-birth check."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from doorstep.core.dates import DateField
from doorstep.core.models import Team

from .models import DocumentType
from .services import DocumentAsked

DEFAULT = "default"
ME = "me"


class DateOfBirthForm(forms.Form):
    date_of_birth = DateField(
        label="What is your date of birth?",
        noun="Your date of birth",
        example="27 3 1985",
        must_be="past",
        autocomplete="bday",
    )


def reviewers():
    """Active staff who may review documents, for the reviewer choice."""
    staff = get_user_model().objects.filter(is_active=True)
    allowed = Q(groups__permissions__codename="review_document") | Q(
        user_permissions__codename="review_document"
    )
    allowed &= Q(groups__permissions__content_type__app_label="evidence") | Q(
        user_permissions__content_type__app_label="evidence"
    )
    return staff.filter(allowed).distinct().order_by("full_name", "email")


def reviewer_choices(actor, document_type: DocumentType, staff, teams) -> list:
    choices = []
    if document_type.default_team_id:
        choices.append((DEFAULT, f"{document_type.default_team.name} (the usual team)"))
    choices.append((ME, f"Me ({actor.get_full_name() or actor.email})"))
    team_choices = [(f"team:{team.pk}", team.name) for team in teams]
    if team_choices:
        choices.append(("A team", team_choices))
    staff_choices = [
        (f"staff:{person.pk}", person.get_full_name() or person.email)
        for person in staff
        if person.pk != actor.pk
    ]
    if staff_choices:
        choices.append(("Another officer", staff_choices))
    return choices


def _groups(choices) -> list[dict]:
    """Choices as option groups for a hand-written <select>: loose options have no label."""
    groups = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            groups.append({"label": value, "options": list(label)})
        else:
            groups.append({"label": "", "options": [(value, label)]})
    return groups


class AskForm(forms.Form):
    """Choose documents, a note and a reviewer for each, and a due date."""

    document_types = forms.MultipleChoiceField(
        label="Which documents do you need?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one document to ask for",
            "invalid_choice": "Choose documents from the list",
        },
    )
    due_date = DateField(
        label="When are they due?",
        noun="The date the documents are due",
        hint="The link works for a few days after this date. Reminders are texted before it.",
    )

    def __init__(self, *args, actor, document_types, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.types = list(document_types)
        self.fields["document_types"].choices = [(str(t.pk), t.name) for t in self.types]
        staff = list(reviewers())
        self.staff = {person.pk: person for person in staff}
        teams = list(Team.objects.order_by("name"))
        self.teams = {team.pk: team for team in teams}
        self.rows = []
        for document_type in self.types:
            note = forms.CharField(
                label="Note for the resident (optional)",
                help_text="For example, ‘the last 3 months’ or ‘from your GP, not the hospital’",
                required=False,
                max_length=300,
                error_messages={"max_length": "The note must be 300 characters or fewer"},
            )
            reviewer = forms.ChoiceField(
                label="Who reviews it",
                choices=reviewer_choices(actor, document_type, staff, teams),
                initial=DEFAULT if document_type.default_team_id else ME,
                required=False,
                error_messages={
                    "invalid_choice": "That person cannot review documents. Choose another "
                    "officer or a team",
                    "required": "Choose who reviews it",
                },
            )
            self.fields[f"note_{document_type.pk}"] = note
            self.fields[f"reviewer_{document_type.pk}"] = reviewer
        if cases:
            self.fields["case"] = forms.ChoiceField(
                label="Case (optional)",
                required=False,
                choices=[
                    ("", "No case"),
                    *[(str(c.pk), f"{c.reference} {c.case_type}") for c in cases],
                ],
            )
        self.cases = {str(c.pk): c for c in cases}

    def type_rows(self):
        """Each document type with its checkbox state and its own fields, for the template."""
        chosen = set(self["document_types"].value() or [])
        return [
            {
                "type": document_type,
                "checked": str(document_type.pk) in chosen,
                "note": self[f"note_{document_type.pk}"],
                "reviewer": self[f"reviewer_{document_type.pk}"],
                "reviewer_groups": _groups(self.fields[f"reviewer_{document_type.pk}"].choices),
            }
            for document_type in self.types
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = {int(pk) for pk in cleaned.get("document_types") or []}
        documents = []
        for document_type in self.types:
            if document_type.pk not in chosen:
                continue
            field_name = f"reviewer_{document_type.pk}"
            if field_name in self.errors:
                continue
            choice = cleaned.get(field_name)
            if not choice:
                self.add_error(field_name, f"Choose who reviews {document_type.name}")
                continue
            asked = DocumentAsked(
                document_type=document_type, note=cleaned.get(f"note_{document_type.pk}") or ""
            )
            if choice == ME:
                asked.reviewer = self.actor
            elif choice.startswith("team:"):
                asked.reviewer_team = self.teams[int(choice.split(":")[1])]
            elif choice.startswith("staff:"):
                asked.reviewer = self.staff[int(choice.split(":")[1])]
            documents.append(asked)
        cleaned["documents"] = documents
        cleaned["case_object"] = self.cases.get(cleaned.get("case") or "")
        return cleaned
