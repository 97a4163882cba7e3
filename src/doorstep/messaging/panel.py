"""The texts panel on the resident's Single View (registered in apps.py)."""

from django.http import HttpRequest

from . import access, queries


def panel_context(request: HttpRequest, resident) -> dict | None:
    """Two queries: the newest texts with the unread count, and opt-outs of the mobiles."""
    if not access.can_see_texts(request.user):
        return None
    return {
        "resident": resident,
        "can_send": access.can_handle_texts(request.user),
        **queries.panel_summary(resident),
    }
