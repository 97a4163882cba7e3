"""Texts officers can start from: creating, changing, retiring and restoring templates."""

from django.core.exceptions import ValidationError
from django.db import transaction

from doorstep.core import actors
from doorstep.core.changes import record_change

from .. import sms
from ..composing import check_template_body
from ..models import Template


def _about(template: Template, actor, action: str, request) -> dict:
    return {
        "actor": actor,
        "action": action,
        "object_type": "template",
        "object_id": template.pk,
        "request": request,
    }


def _check_template_name(name: str, template: Template | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": ["Enter a name for the template"]})
    clash = Template.objects.filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError({"name": [f"There is already a template called ‘{name}’"]})
    return name


@transaction.atomic
def save_template(
    *,
    actor,
    name: str,
    body: str,
    description: str = "",
    template: Template | None = None,
    request=None,
) -> Template:
    """Create a template, or change one. Texts already sent keep the words they were sent with."""
    name = _check_template_name(name, template)
    try:
        check_template_body(body)
    except ValidationError as error:
        raise ValidationError({"body": error.messages}) from error
    body = sms.normalise(body).strip()
    creating = template is None
    if creating:
        template = Template(created_by=actors.staff_or_none(actor))
    changed = [
        field
        for field, value in (("name", name), ("body", body), ("description", description.strip()))
        if getattr(template, field) != value
    ]
    template.name, template.body, template.description = name, body, description.strip()
    template.save()
    action = "create" if creating else "change"
    record_change(**_about(template, actor, action, request), fields=changed)
    return template


@transaction.atomic
def set_template_active(*, actor, template: Template, active: bool, request=None) -> None:
    """Take a template out of use (it stays on texts already sent), or put it back."""
    if template.is_active == active:
        return
    template.is_active = active
    template.save(update_fields=["is_active", "updated_at"])
    record_change(**_about(template, actor, "activate" if active else "deactivate", request))
