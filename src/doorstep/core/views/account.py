"""Staff sign in, sign out, two-factor set-up and verification."""

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit
from ..forms import SignInForm, TwoFactorForm


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


def _safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
def two_factor(request):
    """Verify a TOTP code; set up a device first if the account has none yet."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Authenticator app"}
        )
    form = TwoFactorForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, "Two-factor sign-in is set up")
        otp_login(request, device)
        return redirect(_safe_next(request))
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=4, title="QR code for your authenticator app"
        )
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "core/two_factor.html", context)
