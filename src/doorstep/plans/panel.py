"""The plan panel on the Single View, and overdue plan actions on "My work"."""

from django.http import HttpRequest
from django.utils import timezone

from . import queries, services

MY_WORK_LIMIT = 100


def panel_context(request: HttpRequest, resident) -> dict | None:
    """One query when the resident has no plan; the read is audited when there is one."""
    user = request.user
    if not user.has_perm("plans.view_plan"):
        return None
    summary = queries.panel_summary(resident.pk)
    if summary is not None:
        services.record_read(
            actor=user, plan=summary.plan, detail="Single View plan panel", request=request
        )
    return {
        "resident": resident,
        "summary": summary,
        "can_add": user.has_perm("plans.add_plan"),
        "today": timezone.localdate(),
    }


def my_work_context(request: HttpRequest) -> dict | None:
    if not request.user.has_perm("plans.view_plan"):
        return None
    actions = list(queries.overdue_actions_for(request.user)[:MY_WORK_LIMIT])
    return {"actions": actions}
