"""Staff sign in, sign out, password reset, two-factor set-up and verification."""

import base64
import hashlib
import logging

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login

from .. import audit, clients, throttle
from .. import two_factor as two_factor_setup
from ..forms import PasswordResetForm, SignInForm, TwoFactorForm

logger = logging.getLogger(__name__)

RESET_WINDOW_SECONDS = 3600


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The name django-axes counts failures against: the e-mail as sign-in matches it.

    Sign-in ignores case and surrounding spaces, so the count must too, or changing the case of
    the address would give a fresh set of tries.
    """
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    return username.strip().lower() if isinstance(username, str) else username


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            actor=form.get_user(),
            action="login",
            object_type="staff",
            object_id=form.get_user().pk,
            request=self.request,
        )
        return response


def reset_keys(request, email: str) -> list[tuple[str, int]]:
    """The counters a reset request counts against, with their limits: the e-mail address
    (as sign-in matches it, and hashed: the cache is no place for addresses) and the visitor's."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    address = clients.client_address(request) or "unknown"
    return [
        (f"password-reset:address:{address}", settings.PASSWORD_RESET_ADDRESS_LIMIT),
        (f"password-reset:email:{digest}", settings.PASSWORD_RESET_EMAIL_LIMIT),
    ]


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, sending at most so many e-mails an hour per e-mail address and per
    visitor's address. Every request counts, whether or not an account has that address, and
    one over a limit gets the same "check your e-mail" page with nothing sent, so the page never
    says whether an account exists."""

    template_name = "core/password_reset.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        keys = reset_keys(self.request, form.cleaned_data["email"])
        for key, limit in keys:
            if not throttle.attempt(key, limit=limit, window_seconds=RESET_WINDOW_SECONDS):
                logger.warning("Password reset refused: too many requests (%s)", key)
                return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def _safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# The device made for this browser's visit to the set-up page (its key was shown only here).
SETUP_DEVICE_KEY = "doorstep_two_factor_setup_device"


def _two_factor_again(request):
    return redirect(f"{reverse('two_factor')}?{urlencode({'next': _safe_next(request)})}")


@login_required
def two_factor(request):
    """Verify a TOTP code; set up a device first if the account has none yet."""
    device = two_factor_setup.confirmed_device(request.user)
    if device is None:
        return _set_up(request)
    form = TwoFactorForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_safe_next(request))
    context = {"form": form, "setting_up": False, "next": _safe_next(request)}
    return render(request, "core/two_factor.html", context)


def _set_up(request):
    """A new key on every visit, so a key someone else saw never becomes the account's."""
    user = request.user
    if request.method == "POST":
        device = two_factor_setup.pending_device(user, request.session.get(SETUP_DEVICE_KEY))
        if device is None:
            messages.error(
                request,
                "Set-up was started again, so the key you used no longer works. "
                "Scan this new QR code, or type the new key, then enter the code it shows.",
            )
            return _two_factor_again(request)
    else:
        device = two_factor_setup.start_setup(user=user)
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = TwoFactorForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST" and form.is_valid():
        if not two_factor_setup.confirm_setup(user=user, device=device, request=request):
            return _two_factor_again(request)
        request.session.pop(SETUP_DEVICE_KEY, None)
        otp_login(request, device)
        messages.success(request, "Two-factor sign-in is set up")
        return redirect(_safe_next(request))
    context = {
        "form": form,
        "setting_up": True,
        "next": _safe_next(request),
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title="QR code for your authenticator app"
        ),
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    response = render(request, "core/two_factor.html", context)
    # The key is a secret: never kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response
