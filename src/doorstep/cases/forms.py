from django import forms

from doorstep.core.dates import DateField
from doorstep.core.forms import GovukForm
from doorstep.core.models import Staff, Team

from .models import Case, CaseType


class OpenCaseForm(GovukForm):
    submit_label = "Open case"
    case_type = forms.ModelChoiceField(
        queryset=CaseType.objects.filter(is_active=True),
        label="Type of case",
        empty_label="Choose a type",
        error_messages={"required": "Choose the type of case"},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        label="Team",
        empty_label="Choose a team",
        error_messages={"required": "Choose the team that will work the case"},
    )
    summary = forms.CharField(label="Summary (optional)", required=False, max_length=300)
    due_date = DateField(label="Due date (optional)", required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class TaskForm(GovukForm):
    submit_label = "Add task"
    title = forms.CharField(
        label="What needs doing",
        max_length=200,
        error_messages={"required": "Enter what needs doing"},
    )
    due_date = DateField(label="Due date (optional)", required=False)
    assignee = forms.ModelChoiceField(
        queryset=Staff.objects.none(),
        required=False,
        label="Who will do it (optional)",
        empty_label="Nobody yet",
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = Staff.objects.filter(teams=case.team, is_active=True)


class StatusForm(GovukForm):
    submit_label = "Change status"
    status = forms.ChoiceField(
        choices=Case.Status.choices,
        label="Status",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status"},
    )


class NoteForm(GovukForm):
    submit_label = "Add note"
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        error_messages={"required": "Enter the note"},
    )


class ReassignForm(forms.Form):
    """One row of the team work queue: who should own this case or task."""

    owner = forms.ModelChoiceField(
        queryset=Staff.objects.none(),
        required=False,
        label="Give to",
        empty_label="Nobody",
    )

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Staff.objects.filter(teams=team, is_active=True)
