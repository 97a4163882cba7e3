from django.contrib.auth.decorators import login_not_required, login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..health import run_checks
from ..landing import landing_for


@login_required
def home(request):
    return redirect(reverse(landing_for(request.user)))


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """ok or failing for anyone (a load balancer); which part and why only for those who run it.

    The details name the storage and queue in use and the errors they give, which help an
    attacker, so they go to Administrators and to checks from this machine. A request that came
    through a proxy carries X-Forwarded-For, so the proxy's own loopback address does not count.
    """
    ok, checks = run_checks()
    body = {"status": "ok" if ok else "failing"}
    if _may_see_health_details(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if ok else 503)


def _may_see_health_details(request) -> bool:
    if request.user.is_authenticated and request.user.has_perm("core.view_auditevent"):
        return True
    from_this_machine = request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1")
    return from_this_machine and "HTTP_X_FORWARDED_FOR" not in request.META


@login_required
def account_home(request):
    from django.shortcuts import render

    return render(request, "core/account_home.html")
