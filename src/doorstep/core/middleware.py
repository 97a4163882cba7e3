import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

_LAST_SEEN_KEY = "doorstep_last_seen"
_IDLE_REFRESH_SECONDS = 60

# Pages a signed-in person can reach before finishing the second sign-in step.
_OPEN_PREFIXES = ("/account/two-factor/", "/account/sign-out/", "/static/", "/healthz")
_API_PREFIX = "/api/"


def role_names(user) -> set[str]:
    """The user's roles, read fresh on every request, with their permissions in the same query.

    The permissions go where Django's ModelBackend keeps them for the request, so the page's
    own permission checks need no query of their own: checking roles on every page costs
    nothing extra, and a role given a moment ago takes effect on the next page.
    """
    rows = user.groups.values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    ).order_by()
    names, permissions = set(), set()
    for name, app_label, codename in rows:
        names.add(name)
        if codename:
            permissions.add(f"{app_label}.{codename}")
    if not user.is_superuser and not hasattr(user, "_group_perm_cache"):
        user._group_perm_cache = permissions
    return names


def needs_two_factor(user) -> bool:
    required = set(settings.OTP_REQUIRED_ROLES)
    return bool(required) and bool(role_names(user) & required)


class RequireTwoFactorMiddleware:
    """Members of roles in OTP_REQUIRED_ROLES can do nothing but set up or enter a TOTP code
    (or sign out) until they have: every other page, the Django admin and the API's pages
    included, sends them to the two-factor page. API calls that bring a token instead of the
    session are left to the API's own check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and not self._uses_a_token(request)
            and needs_two_factor(user)
        ):
            # Encoded, so an address with its own query string comes back whole.
            next_query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor')}?{next_query}")
        return self.get_response(request)

    @staticmethod
    def _uses_a_token(request) -> bool:
        return request.path.startswith(_API_PREFIX) and "Authorization" in request.headers


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
