"""Group texts: an officer sends one text to many residents chosen by a filter (cohorts.py)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import actors
from doorstep.core.changes import record_change

from .. import tasks
from ..cohorts import check_text, residents_matching
from ..models import Cohort, Template


@transaction.atomic
def create_cohort(
    *,
    name: str,
    criteria: dict,
    actor,
    body: str = "",
    template: Template | None = None,
    send_after: datetime | None = None,
    team=None,
    request=None,
) -> Cohort:
    """Record the cohort and queue its texts in the background."""
    text = template.body if template is not None else body
    if not text.strip():
        raise ValidationError("Enter the message", code="required")
    check_text(text)
    residents_matching(criteria)  # unknown filters are refused now, not in the background
    cohort = Cohort.objects.create(
        name=name.strip() or "Group text",
        template=template,
        body=text,
        criteria=criteria,
        send_after=send_after or timezone.now(),
        created_by=actors.staff_or_none(actor),
        team=team or actors.first_team(actor),
    )
    record_change(
        actor=actor,
        action="create",
        object_type="cohort",
        object_id=cohort.pk,
        summary=f"Group text {cohort.name!r}",
        request=request,
    )
    transaction.on_commit(lambda: tasks.prepare_cohort_task.enqueue(cohort_id=cohort.pk))
    return cohort
