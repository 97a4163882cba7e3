import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

_OTP_SESSION_KEY = "doorstep_two_factor_needed"
_OTP_RECHECK_SECONDS = 300
_LAST_SEEN_KEY = "doorstep_last_seen"
_IDLE_REFRESH_SECONDS = 60

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
            and self._needs_two_factor(request)
        ):
            # Encoded, so an address with its own query string comes back whole.
            next_query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor')}?{next_query}")
        return self.get_response(request)

    @staticmethod
    def _needs_two_factor(request) -> bool:
        """Whether the user's roles need a code, remembered in the session for a few minutes
        (one query fewer on every page) so a newly given role still takes effect soon."""
        roles = sorted(settings.OTP_REQUIRED_ROLES)
        remembered = request.session.get(_OTP_SESSION_KEY)
        now = time.time()
        if (
            remembered
            and remembered["roles"] == roles
            and now - remembered["at"] < _OTP_RECHECK_SECONDS
        ):
            return remembered["needed"]
        needed = request.user.groups.filter(name__in=roles).exists()
        request.session[_OTP_SESSION_KEY] = {"roles": roles, "needed": needed, "at": now}
        return needed


class IdleTimeoutMiddleware:
    """Keep a signed-in session alive while it is used: SESSION_COOKIE_AGE after the last
    request, give or take a minute. Saving the session on every request would cost a
    database write per page; saving at most once a minute keeps the same rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(_LAST_SEEN_KEY, 0) >= _IDLE_REFRESH_SECONDS:
                session[_LAST_SEEN_KEY] = now  # marks the session modified, so it is saved
        return response


class StaffLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in member of staff unless marked @login_not_required.

    Secure by default: a new view is private until someone decides otherwise. The API is
    exempt here because it authenticates each request with its own bearer tokens.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
