"""The plan panel on the Single View, and overdue plan actions on "My work"."""

from django.http import HttpRequest
from django.utils import timezone

from . import access, queries, services

MY_WORK_LIMIT = 100


def panel_context(request: HttpRequest, resident) -> dict | None:
    """One query when the resident has no plan; the read is audited when there is one."""
    user = request.user
    if not access.can_view_plans(user):
        return None
    summary = queries.panel_summary(resident.pk)
    if summary is not None:
        services.record_read(
            actor=user, plan=summary.plan, detail="Single View plan panel", request=request
        )
    return {
        "resident": resident,
        "summary": summary,
        "can_add": access.can_add_plans(user),
        "today": timezone.localdate(),
    }


def my_work_context(request: HttpRequest) -> dict | None:
    if not access.can_view_plans(request.user):
        return None
    actions = list(queries.overdue_actions_for(request.user)[:MY_WORK_LIMIT])
    return {"actions": actions}
