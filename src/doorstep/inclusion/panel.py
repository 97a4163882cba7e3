"""The digital inclusion panel on the Single View: level, access needs, help requests."""

from django.http import HttpRequest

from . import queries


def panel_context(request: HttpRequest, resident) -> dict | None:
    user = request.user
    if not user.has_perm("inclusion.view_skillscheck"):
        return None
    return {
        "resident": resident,
        "check": queries.latest_check(resident),
        "needs": queries.access_needs(resident),
        "requests": list(queries.open_requests_for(resident)[:3]),
        "can_check": user.has_perm("inclusion.add_skillscheck"),
        "can_refer": user.has_perm("inclusion.add_helprequest"),
        "can_edit_needs": user.has_perm("inclusion.change_accessneeds"),
    }
