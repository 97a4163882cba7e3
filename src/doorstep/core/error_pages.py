"""GOV.UK-styled error pages for staff and residents, with what to do next.

Django calls the handlers named in the root URLconf. A member of staff is pointed back to their
work; anyone else (a resident on a link, a member of the public) is told how to contact the
council. With DEBUG on, Django would show its technical "not found" page, listing every URL, to
anyone following a dead resident link in the demo, so `ErrorPageMiddleware` renders the real page
for a view's Http404 too; unmatched URLs and crashes still show the technical pages to developers.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader

from . import actors

TITLES = {
    400: "Sorry, there is a problem with what was sent",
    403: "You cannot see this page",
    404: "Page not found",
    410: "This link no longer works",
    429: "Too many tries",
    500: "Sorry, there is a problem with the service",
}


def contact_details() -> dict:
    return {
        "contact_phone": settings.COUNCIL_CONTACT_PHONE,
        "contact_email": settings.COUNCIL_CONTACT_EMAIL,
        "contact_hours": settings.COUNCIL_CONTACT_HOURS,
    }


def error_page(request: HttpRequest | None, status: int, detail: str = "") -> HttpResponse:
    """The page for `status`; `detail` says more where the caller knows what went wrong."""
    user = getattr(request, "user", None)
    context = {
        "status": status,
        "title": TITLES[status],
        "detail": detail,
        "for_staff": actors.is_staff(user),
        **contact_details(),
    }
    if status == 500:
        # Render without context processors or the database: they may be what failed.
        context |= {"service_name": settings.SERVICE_NAME, "council_name": settings.COUNCIL_NAME}
        body = loader.get_template("errors/500.html").render(context)
    else:
        body = loader.render_to_string(f"errors/{status}.html", context, request=request)
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    return error_page(request, 500)


class ErrorPageMiddleware:
    """Show the GOV.UK "not found" page for a view's Http404 even with DEBUG on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and settings.DEBUG:
            return error_page(request, 404)
        return None
