"""What every text provider's callback view has in common."""

from django.contrib.auth.decorators import login_not_required
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


def provider_callback(view):
    """Make `view` a provider callback: POST only, no login and no CSRF token.

    A provider cannot log in or send our CSRF cookie, so each such view must check the
    provider's own token or signature before it reads anything.
    """
    return csrf_exempt(login_not_required(require_POST(view)))
