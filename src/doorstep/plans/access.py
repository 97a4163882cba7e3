"""How a resident reaches their plan: the texted link, a throttle on guessing links, and a
session of a fixed length on one device once the one-time code is right.

The session is tied to the link: entering the code for one link opens only that link.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from doorstep.core import audit, throttle

from . import services

SESSION_PREFIX = "plans.link."
GUESS_WINDOW_SECONDS = 3600
TOO_MANY_GUESSES = (
    "There have been too many tries from your connection. Wait an hour and try again."
)


def _key(link) -> str:
    return f"{SESSION_PREFIX}{link.pk}"


def grant(request, link) -> None:
    # A new session key on success, so a session id planted before the code is worth nothing.
    request.session.cycle_key()
    request.session[_key(link)] = int(time.time()) + settings.PLAN_RESIDENT_SESSION_MINUTES * 60


def has_access(request, link) -> bool:
    until = request.session.get(_key(link))
    return bool(until) and until > time.time()


def end(request, link) -> None:
    request.session.pop(_key(link), None)


def _guess_key(request) -> str:
    return f"plans:link-guesses:{audit.client_ip(request) or 'unknown'}"


def refused(request, message: str, status: int):
    return render(request, "plans/resident/refused.html", {"message": message}, status=status)


def resident_page(*, needs_code: bool = True):
    """Find the link from the token in the address (404 with no hint if there is none),
    refuse stopped or expired links plainly, and unless `needs_code` is False send people
    without a session for this link to the start page."""

    def decorator(view):
        @login_not_required
        @never_cache
        @wraps(view)
        def wrapper(request, token: str, *args, **kwargs):
            if throttle.reached(_guess_key(request), settings.PLAN_LINK_GUESS_LIMIT):
                return refused(request, TOO_MANY_GUESSES, 429)
            link = services.find_link(token)
            if link is None:
                throttle.count(_guess_key(request), GUESS_WINDOW_SECONDS)
                raise Http404
            if not link.is_live():
                end(request, link)
                return refused(request, services.LinkDead.message, 410)
            if needs_code and not has_access(request, link):
                return redirect("plans:resident_start", token=token)
            return view(request, link, token, *args, **kwargs)

        return wrapper

    return decorator
