from django.conf import settings


def branding(request):
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_logo_url": settings.COUNCIL_LOGO_URL,
        "brand_colour": settings.BRAND_COLOUR,
        "service_name": settings.SERVICE_NAME,
    }
