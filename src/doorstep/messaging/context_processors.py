"""The unread count beside "Texts" in the header: one query, and only if the page shows it."""

from django.utils.functional import SimpleLazyObject

from . import access
from .inbox import unread_count


def texts(request):
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated or not access.can_see_texts(user):
            return 0
        return unread_count(user)

    return {"texts_unread": SimpleLazyObject(unread)}
