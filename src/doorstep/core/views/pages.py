from django.contrib.auth.decorators import login_not_required, login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..health import run_checks


@login_required
def home(request):
    if request.user.has_perm("cases.view_case"):
        return redirect(reverse("cases:my_work"))
    return redirect(reverse("account_home"))


@login_not_required
@require_GET
@never_cache
def healthz(request):
    ok, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503
    )


@login_required
def account_home(request):
    from django.shortcuts import render

    return render(request, "core/account_home.html")
