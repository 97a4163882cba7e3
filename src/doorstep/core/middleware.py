from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# Pages a signed-in person can reach before finishing the second sign-in step.
_OPEN_PREFIXES = ("/account/two-factor/", "/account/sign-out/", "/static/", "/healthz")


class RequireTwoFactorMiddleware:
    """Send members of roles in OTP_REQUIRED_ROLES through TOTP set-up or verification."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith("/api/")
            and user.groups.filter(name__in=settings.OTP_REQUIRED_ROLES).exists()
        ):
            # Encoded, so an address with its own query string comes back whole.
            next_query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor')}?{next_query}")
        return self.get_response(request)


class StaffLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in member of staff unless marked @login_not_required.

    Secure by default: a new view is private until someone decides otherwise. The API is
    exempt here because it authenticates each request with its own bearer tokens.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
