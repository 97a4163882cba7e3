"""A URLconf for the error page tests: every real URL plus views that fail on purpose."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.urls import path

from doorstep.urls import urlpatterns as real_urlpatterns


@login_not_required
def _not_found(request):
    raise Http404("No such link")


@login_not_required
def _forbidden(request):
    raise PermissionDenied


@login_not_required
def _bad(request):
    raise BadRequest("Malformed")


@login_not_required
def _crash(request):
    raise RuntimeError("Something broke")


urlpatterns = [
    path("test-errors/404/", _not_found),
    path("test-errors/403/", _forbidden),
    path("test-errors/400/", _bad),
    path("test-errors/500/", _crash),
    *real_urlpatterns,
]
handler400 = "doorstep.core.error_pages.bad_request"
handler403 = "doorstep.core.error_pages.permission_denied"
handler404 = "doorstep.core.error_pages.page_not_found"
handler500 = "doorstep.core.error_pages.server_error"
