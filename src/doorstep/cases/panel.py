"""The open cases and tasks panel beside a resident's record in the Single View."""

from django.http import HttpRequest

from . import queries


def panel_context(request: HttpRequest, resident) -> dict | None:
    return {
        "resident": resident,
        "cases": queries.open_cases_for_resident(resident.pk),
        "tasks": queries.open_tasks_for_resident(resident.pk),
    }
