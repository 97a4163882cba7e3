"""Setting up two-factor sign-in (TOTP) so that a key shown to one browser serves only it.

A key is made fresh for each visit to the set-up page, and making one throws away every
unconfirmed key before it; confirming one throws away the rest. So a key seen by someone else
(over a shoulder, or by someone who had the password for a moment) stops working as soon as
the account holder opens the page, and can never be confirmed alongside theirs.
"""

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import changes

DEVICE_NAME = "Authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user, device_id) -> TOTPDevice | None:
    """The unconfirmed device made for this browser's visit, if it is still the newest."""
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()


@transaction.atomic
def start_setup(*, user) -> TOTPDevice:
    """A new key for a visit to the set-up page; any key shown before stops working."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_setup(*, user, device: TOTPDevice, request: HttpRequest | None = None) -> bool:
    """Confirm the device whose code was just checked; False if it was replaced meanwhile."""
    current = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, pk=device.pk, confirmed=False)
        .first()
    )
    if current is None:
        return False
    current.confirmed = True
    current.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device.confirmed = True
    changes.record_change(
        actor=user,
        action="update",
        object_type="staff",
        object_id=user.pk,
        summary="Set up two-factor sign-in",
        fields=["two_factor"],
        request=request,
    )
    return True
