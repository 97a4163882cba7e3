"""The unread count beside "Texts" in the header: one query, and only if the page shows it."""

from django.utils.functional import SimpleLazyObject


def texts(request):
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated or not user.has_perm("messaging.view_message"):
            return 0
        from .inbox import unread_count

        return unread_count(user)

    return {"texts_unread": SimpleLazyObject(unread)}
