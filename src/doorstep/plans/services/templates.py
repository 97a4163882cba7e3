"""Plan templates, kept by Administrators."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from doorstep.core.changes import record_change

from .. import templates_text
from ..models import PlanTemplate
from .history import _clean_text

# --- Templates (Administrators) --------------------------------------------------------------


@transaction.atomic
def save_template(
    *,
    actor,
    name: str,
    plan_title: str,
    description: str,
    goals_text: str,
    is_active: bool = True,
    template: PlanTemplate | None = None,
    request: HttpRequest | None = None,
) -> PlanTemplate:
    name = _clean_text(name, field="name", required="Enter a name for the template", limit=120)
    clash = PlanTemplate.objects.filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError({"name": [f"There is already a template called ‘{name}’"]})
    plan_title = _clean_text(
        plan_title, field="plan_title", required="Enter the title plans will start with", limit=200
    )
    try:
        goals = templates_text.parse(goals_text)
    except ValidationError as error:
        raise ValidationError({"goals_text": error.messages}) from error
    creating = template is None
    template = template or PlanTemplate()
    template.name, template.plan_title = name, plan_title
    template.description = (description or "").strip()
    template.goals, template.is_active = goals, is_active
    template.save()
    record_change(
        actor=actor,
        action="create" if creating else "update",
        object_type="plan_template",
        object_id=template.pk,
        summary=name,
        request=request,
    )
    return template
