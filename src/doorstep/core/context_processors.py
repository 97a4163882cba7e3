from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import undo


def branding(request):
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_logo_url": settings.COUNCIL_LOGO_URL,
        "brand_colour": settings.BRAND_COLOUR,
        "service_name": settings.SERVICE_NAME,
    }


def undo_offer(request):
    """`undo_offer`: a waiting "Undo" banner (core.undo), taken only when a page shows it."""
    return {"undo_offer": SimpleLazyObject(lambda: undo.take(request))}
