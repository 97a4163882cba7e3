"""Forms for plans: thin, the rules are in services.py. Every edit form carries the version
of the thing it started from, so a later change by someone else is noticed, not overwritten."""

from django import forms

from doorstep.core.dates import DateField
from doorstep.core.models import Staff

from . import templates_text
from .models import Action, OwnerKind, PlanTemplate

EMPTY = ""


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(
            required=True,
            min_value=0,
            error_messages={"required": "Reload the page and try again"},
            **kwargs,
        )


def with_version(data, version: int):
    """The submitted data with the latest version, so saving again after reading the newer
    version works, and what the person typed stays in the form."""
    data = data.copy()
    data["version"] = str(version)
    return data


class NewPlanForm(forms.Form):
    template = forms.ChoiceField(label="Start from", required=False)
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="Leave empty to use the template's title",
    )
    summary = forms.CharField(
        label="The situation, in plain words",
        required=False,
        widget=forms.Textarea,
        help_text="What is happening and what the plan is for. The resident will read this",
    )
    case = forms.ChoiceField(label="Case", required=False)

    def __init__(self, *args, templates, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {str(t.pk): t for t in templates}
        self.fields["template"].choices = [(EMPTY, "An empty plan")] + [
            (str(t.pk), t.name) for t in templates
        ]
        self.cases = {str(c.pk): c for c in cases}
        self.fields["case"].choices = [(EMPTY, "Not linked to a case")] + [
            (str(c.pk), f"{c.reference} {c.case_type}") for c in cases
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["template"] = self.templates.get(cleaned.get("template") or "")
        cleaned["case"] = self.cases.get(cleaned.get("case") or "")
        if not cleaned["template"] and not (cleaned.get("title") or "").strip():
            self.add_error("title", "Enter a title for the plan, or choose a template")
        return cleaned


class PlanDetailsForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the plan"}
    )
    summary = forms.CharField(
        label="The situation, in plain words", required=False, widget=forms.Textarea
    )
    version = VersionField()


class GoalForm(forms.Form):
    title = forms.CharField(
        label="Goal",
        max_length=200,
        help_text="What the plan is working towards, like ‘Find somewhere to live’",
        error_messages={"required": "Enter the goal"},
    )
    version = VersionField(initial=0)


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs to be done",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what needs to be done"},
    )
    owner_kind = forms.ChoiceField(
        label="Who will do it",
        choices=OwnerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who will do it"},
    )
    owner_staff = forms.ChoiceField(label="Officer", required=False)
    partner_name = forms.CharField(
        label="Partner organisation",
        required=False,
        max_length=120,
        help_text="If a partner will do it, like ‘Citizens Advice’",
    )
    due_date = DateField(label="Due date (optional)", required=False)
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices, required=False)
    version = VersionField(initial=0)

    def __init__(self, *args, staff, due_date=None, show_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(member.pk): member for member in staff}
        self.fields["owner_staff"].choices = [(EMPTY, "Me")] + [
            (str(member.pk), str(member)) for member in staff
        ]
        self.fields["owner_staff"].help_text = "If an officer will do it"
        if not show_status:
            del self.fields["status"]
        self.initial.setdefault("due_date", due_date)

    def clean(self):
        cleaned = super().clean()
        cleaned["owner_staff"] = self.staff.get(cleaned.get("owner_staff") or "")
        return cleaned


def staff_choices(team, also=()) -> list[Staff]:
    members = Staff.objects.filter(is_active=True)
    members = members.filter(teams=team) if team is not None else members.none()
    found = {member.pk: member for member in members}
    for member in also:
        if member is not None and getattr(member, "is_authenticated", False):
            found.setdefault(member.pk, member)
    return sorted(found.values(), key=lambda m: str(m).lower())


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter your comment",
            "max_length": "Use 2,000 characters or fewer",
        },
    )


class VersionOnlyForm(forms.Form):
    version = VersionField()


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    version = VersionField()


class AgreementForm(forms.Form):
    channel = forms.ChoiceField(
        label="How did the resident agree the plan?",
        choices=[("face_to_face", "In person"), ("phone", "By phone")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the resident agreed the plan"},
    )
    version = VersionField()


class ResidentActionForm(forms.Form):
    description = forms.CharField(
        label="What will you do?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what you will do",
            "max_length": "Use 300 characters or fewer",
        },
    )
    goal = forms.ChoiceField(
        label="Which goal is it for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which goal it is for"},
    )
    due_date = DateField(
        label="When will you do it by? (optional)",
        noun="The date you will do it by",
        required=False,
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = {str(goal.pk): goal for goal in goals}
        self.fields["goal"].choices = [(str(goal.pk), goal.title) for goal in goals]
        if len(goals) == 1:
            self.fields["goal"].initial = str(goals[0].pk)

    def clean(self):
        cleaned = super().clean()
        cleaned["goal"] = self.goals.get(cleaned.get("goal") or "")
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=12,
        help_text="The 6-digit code in the text we sent you, like 123456",
        error_messages={"required": "Enter the 6-digit code from the text"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )


class TemplateForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter a name for the template"}
    )
    plan_title = forms.CharField(
        label="Title of plans made from it",
        max_length=200,
        error_messages={"required": "Enter the title plans will start with"},
    )
    description = forms.CharField(
        label="What it is for", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    goals_text = forms.CharField(
        label="Goals and actions",
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": "Enter at least one goal, on a line starting ‘Goal:’"},
    )
    is_active = forms.BooleanField(label="Officers can use this template", required=False)

    @staticmethod
    def initial_for(template: PlanTemplate | None) -> dict:
        if template is None:
            return {"is_active": True}
        return {
            "name": template.name,
            "plan_title": template.plan_title,
            "description": template.description,
            "goals_text": templates_text.render(template.goals),
            "is_active": template.is_active,
        }
