from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

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
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
