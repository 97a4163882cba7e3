"""Digital Friends joining: signing up, the checks and approval (with a sign-in account), or
being declined after the checks."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from doorstep.core import actors, roles
from doorstep.core.models import Staff

from ..models import DigitalFriend
from .rules import MAX_CAPACITY, Errors, audit

DBS_NEEDED = "Enter the date of their DBS check: they offer home visits"
DBS_IN_PAST = "The date of their DBS check must be today or in the past"


def clean_languages(errors: Errors, languages: Iterable[str]) -> list[str]:
    """Each language once (whatever its case), at most 60 characters; at least one."""
    cleaned: list[str] = []
    for language in languages or []:
        language = (language or "").strip()
        if language and language.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(language[:60])
    if not cleaned:
        errors.add("languages", "Enter at least one language they speak, like English")
    return cleaned


def clean_friend(
    *,
    full_name: str,
    email: str,
    phone: str,
    kind: str,
    topics: Iterable[str],
    languages: Iterable[str],
    places: Iterable[str],
    availability: Iterable[str],
    postcode: str,
    capacity: int | None,
    available_from: datetime.date | None,
) -> dict:
    errors = Errors()
    data = {
        "full_name": errors.text(
            "full_name",
            full_name,
            required_message="Enter the Friend's full name",
            limit=150,
            what="The name",
        ),
        "email": errors.email("email", email, required=True),
        "phone": errors.phone("phone", phone, what="a mobile number"),
        "kind": kind,
        **errors.topics_places_times(
            topics=topics,
            places=places,
            availability=availability,
            topics_missing="Select at least one topic they can help with",
            places_missing="Select at least one place where they can help",
        ),
        "postcode": errors.postcode("postcode", postcode),
    }
    if kind not in DigitalFriend.Kind.values:
        errors.add("kind", "Select whether they are a member of staff or a community volunteer")
    data["languages"] = clean_languages(errors, languages)
    errors.number(
        "capacity",
        capacity,
        most=MAX_CAPACITY,
        message=f"Enter how many people they can help at a time, from 1 to {MAX_CAPACITY}",
    )
    data["capacity"] = capacity
    if available_from is not None and available_from < timezone.localdate():
        errors.add("available_from", "The date they can start must be today or in the future")
    data["available_from"] = available_from
    errors.raise_any()
    return data


def audit_friend(*, friend: DigitalFriend, **change) -> None:
    """Changes to a Friend's record are audited; they are not about a resident."""
    audit(object_type="digital_friend", obj=friend, **change)


@transaction.atomic
def sign_up_friend(*, actor, request: HttpRequest | None = None, **details) -> DigitalFriend:
    """A new Digital Friend, waiting for checks. Public form (actor None) or an Administrator."""
    data = clean_friend(**details)
    friend = DigitalFriend.objects.create(**data)
    audit_friend(
        actor=actor,
        friend=friend,
        action="create",
        fields=[name for name, value in data.items() if value],
        detail="Signed up online" if actor is None else "Signed up by staff",
        request=request,
    )
    return friend


def _check_approval(
    friend: DigitalFriend, *, safeguarding_trained_on, data_protection_trained_on, dbs_checked_on
) -> None:
    today = timezone.localdate()
    errors = Errors()
    if friend.status in (DigitalFriend.Status.APPROVED, DigitalFriend.Status.PAUSED):
        errors.add("__all__", f"{friend.full_name} is already approved")
    elif friend.status == DigitalFriend.Status.DECLINED:
        errors.add("__all__", f"{friend.full_name} was declined and cannot be approved")
    for name, value, what in [
        ("safeguarding_trained_on", safeguarding_trained_on, "safeguarding training"),
        ("data_protection_trained_on", data_protection_trained_on, "data protection training"),
    ]:
        if value is None:
            errors.add(name, f"Enter the date they finished {what}")
        elif value > today:
            errors.add(name, f"The date of their {what} must be today or in the past")
    if "home_visit" in friend.places and dbs_checked_on is None:
        errors.add("dbs_checked_on", DBS_NEEDED)
    else:
        errors.not_after_today("dbs_checked_on", dbs_checked_on, message=DBS_IN_PAST)
    errors.raise_any()


def _give_account(friend: DigitalFriend) -> bool:
    """The Friend's sign-in account: theirs already, one with their e-mail, or a new one.
    Returns True when the account is new."""
    staff = friend.staff or Staff.objects.filter(email__iexact=friend.email).first()
    new_account = staff is None
    if new_account:
        staff = Staff.objects.create_user(friend.email, None, full_name=friend.full_name)
    staff.groups.add(Group.objects.get(name=roles.DIGITAL_FRIEND))
    friend.staff = staff
    return new_account


def _password_link(staff: Staff) -> str:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(staff.pk)),
            "token": default_token_generator.make_token(staff),
        },
    )
    return settings.PUBLIC_BASE_URL + path


def _send_welcome(friend: DigitalFriend) -> None:
    """Once committed: an e-mail with a link to choose a password."""
    link = _password_link(friend.staff)
    body = (
        f"Hello {friend.full_name},\n\nYou are now a Digital Friend with "
        f"{settings.COUNCIL_NAME}. Choose a password to sign in and see the people you "
        f"are matched with:\n\n{link}\n\nThe link works once and expires in a few days."
    )
    transaction.on_commit(
        lambda: send_mail(
            "You are now a Digital Friend", body, None, [friend.email], fail_silently=True
        )
    )


@transaction.atomic
def approve_friend(
    *,
    actor,
    friend: DigitalFriend,
    safeguarding_trained_on: datetime.date | None,
    data_protection_trained_on: datetime.date | None,
    dbs_checked_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> DigitalFriend:
    """Record the checks and approve; make (or reuse) the Friend's sign-in account."""
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    _check_approval(
        friend,
        safeguarding_trained_on=safeguarding_trained_on,
        data_protection_trained_on=data_protection_trained_on,
        dbs_checked_on=dbs_checked_on,
    )
    friend.safeguarding_trained_on = safeguarding_trained_on
    friend.data_protection_trained_on = data_protection_trained_on
    friend.dbs_checked_on = dbs_checked_on
    friend.status = DigitalFriend.Status.APPROVED
    friend.approved_at = timezone.now()
    friend.approved_by = actors.staff_or_none(actor)
    new_account = _give_account(friend)
    friend.save()
    audit_friend(
        actor=actor,
        friend=friend,
        fields=[
            "status",
            "safeguarding_trained_on",
            "data_protection_trained_on",
            "dbs_checked_on",
        ],
        detail="Approved" + (" and sign-in account made" if new_account else ""),
        request=request,
    )
    if new_account:
        _send_welcome(friend)
    return friend


@transaction.atomic
def decline_friend(
    *, actor, friend: DigitalFriend, reason: str, request: HttpRequest | None = None
) -> DigitalFriend:
    """Turn down an applicant after checks: kept, listed as declined, with no sign-in account."""
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    errors = Errors()
    if friend.status != DigitalFriend.Status.APPLIED:
        errors.add(
            "__all__",
            f"Only someone waiting for checks can be declined: {friend.full_name} is "
            f"{friend.get_status_display().lower()}",
        )
    reason = errors.text(
        "reason",
        reason,
        required_message="Enter why they are not being approved",
        what="The reason",
    )
    errors.raise_any()
    friend.status = DigitalFriend.Status.DECLINED
    friend.declined_at = timezone.now()
    friend.declined_by = actors.staff_or_none(actor)
    friend.decline_reason = reason
    friend.save(
        update_fields=["status", "declined_at", "declined_by", "decline_reason", "changed_at"]
    )
    audit_friend(
        actor=actor,
        friend=friend,
        fields=["status", "decline_reason"],
        detail="Declined",
        request=request,
    )
    return friend
