"""Digital Friends: signing up, checks and approval, changes, pausing."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from doorstep.core import audit, roles
from doorstep.core.models import Staff

from .. import skills
from ..models import (
    DigitalFriend,
)
from .rules import (
    MAX_CAPACITY,
    _add,
    _choices,
    _email,
    _is_staff,
    _phone,
    _postcode,
    _raise,
    _text,
)

# --- Digital Friends -------------------------------------------------------------------------


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
    errors: dict = {}
    data = {
        "full_name": _text(
            errors,
            "full_name",
            full_name,
            required_message="Enter the Friend's full name",
            limit=150,
            what="The name",
        ),
        "email": _email(errors, "email", email, required=True),
        "phone": _phone(errors, "phone", phone, what="a mobile number"),
        "kind": kind,
        "topics": _choices(
            errors,
            "topics",
            topics,
            skills.TOPICS,
            what="topics",
            missing="Select at least one topic they can help with",
        ),
        "places": _choices(
            errors,
            "places",
            places,
            skills.PLACES,
            what="places",
            missing="Select at least one place where they can help",
        ),
        "availability": _choices(
            errors,
            "availability",
            availability,
            skills.SLOTS,
            what="times",
            missing="Select at least one time in the week when they are free",
        ),
        "postcode": _postcode(errors, "postcode", postcode),
    }
    if kind not in DigitalFriend.Kind.values:
        _add(errors, "kind", "Select whether they are a member of staff or a community volunteer")
    cleaned_languages = []
    for language in languages or []:
        language = (language or "").strip()
        if language and language.casefold() not in {c.casefold() for c in cleaned_languages}:
            cleaned_languages.append(language[:60])
    if not cleaned_languages:
        _add(errors, "languages", "Enter at least one language they speak, like English")
    data["languages"] = cleaned_languages
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        _add(
            errors,
            "capacity",
            f"Enter how many people they can help at a time, from 1 to {MAX_CAPACITY}",
        )
    data["capacity"] = capacity
    if available_from is not None and available_from < timezone.localdate():
        _add(errors, "available_from", "The date they can start must be today or in the future")
    data["available_from"] = available_from
    _raise(errors)
    return data


@transaction.atomic
def sign_up_friend(*, actor, request: HttpRequest | None = None, **details) -> DigitalFriend:
    """A new Digital Friend, waiting for checks. Public form (actor None) or an Administrator."""
    data = clean_friend(**details)
    friend = DigitalFriend.objects.create(**data)
    audit.record(
        actor=actor,
        action="create",
        object_type="digital_friend",
        object_id=friend.pk,
        fields=[name for name, value in data.items() if value],
        detail="Signed up online" if actor is None else "Signed up by staff",
        request=request,
    )
    return friend


def _password_link(staff: Staff) -> str:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(staff.pk)),
            "token": default_token_generator.make_token(staff),
        },
    )
    return settings.PUBLIC_BASE_URL + path


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
    today = timezone.localdate()
    errors: dict = {}
    if friend.status in (DigitalFriend.Status.APPROVED, DigitalFriend.Status.PAUSED):
        _add(errors, "__all__", f"{friend.full_name} is already approved")
    elif friend.status == DigitalFriend.Status.DECLINED:
        _add(errors, "__all__", f"{friend.full_name} was declined and cannot be approved")
    for name, value, what in [
        ("safeguarding_trained_on", safeguarding_trained_on, "safeguarding training"),
        ("data_protection_trained_on", data_protection_trained_on, "data protection training"),
    ]:
        if value is None:
            _add(errors, name, f"Enter the date they finished {what}")
        elif value > today:
            _add(errors, name, f"The date of their {what} must be today or in the past")
    if "home_visit" in friend.places and dbs_checked_on is None:
        _add(errors, "dbs_checked_on", "Enter the date of their DBS check: they offer home visits")
    elif dbs_checked_on is not None and dbs_checked_on > today:
        _add(errors, "dbs_checked_on", "The date of their DBS check must be today or in the past")
    _raise(errors)
    friend.safeguarding_trained_on = safeguarding_trained_on
    friend.data_protection_trained_on = data_protection_trained_on
    friend.dbs_checked_on = dbs_checked_on
    friend.status = DigitalFriend.Status.APPROVED
    friend.approved_at = timezone.now()
    friend.approved_by = actor if _is_staff(actor) else None
    staff = friend.staff or Staff.objects.filter(email__iexact=friend.email).first()
    new_account = staff is None
    if new_account:
        staff = Staff.objects.create_user(friend.email, None, full_name=friend.full_name)
    staff.groups.add(Group.objects.get(name=roles.DIGITAL_FRIEND))
    friend.staff = staff
    friend.save()
    audit.record(
        actor=actor,
        action="update",
        object_type="digital_friend",
        object_id=friend.pk,
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
        link = _password_link(staff)
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
    return friend


@transaction.atomic
def decline_friend(
    *, actor, friend: DigitalFriend, reason: str, request: HttpRequest | None = None
) -> DigitalFriend:
    """Turn down an applicant after checks: kept, listed as declined, with no sign-in account."""
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    errors: dict = {}
    if friend.status != DigitalFriend.Status.APPLIED:
        _add(
            errors,
            "__all__",
            f"Only someone waiting for checks can be declined: {friend.full_name} is "
            f"{friend.get_status_display().lower()}",
        )
    reason = _text(
        errors,
        "reason",
        reason,
        required_message="Enter why they are not being approved",
        what="The reason",
    )
    _raise(errors)
    friend.status = DigitalFriend.Status.DECLINED
    friend.declined_at = timezone.now()
    friend.declined_by = actor if _is_staff(actor) else None
    friend.decline_reason = reason
    friend.save(
        update_fields=["status", "declined_at", "declined_by", "decline_reason", "changed_at"]
    )
    audit.record(
        actor=actor,
        action="update",
        object_type="digital_friend",
        object_id=friend.pk,
        fields=["status", "decline_reason"],
        detail="Declined",
        request=request,
    )
    return friend


# What a coordinator may change on a Friend's record (name and kind stay as signed up).
EDITABLE_FRIEND_FIELDS = [
    "email",
    "phone",
    "topics",
    "languages",
    "places",
    "availability",
    "postcode",
    "capacity",
]


def clean_friend_changes(
    *, friend: DigitalFriend, dbs_checked_on: datetime.date | None = None, **changes
) -> dict:
    """The changes checked as at sign-up, plus: home visits only with a DBS check once approved."""
    errors: dict = {}
    data: dict = {}
    details = {
        "full_name": friend.full_name,
        "kind": friend.kind,
        "available_from": None,
        **changes,
    }
    try:
        data = clean_friend(**details)
    except ValidationError as error:
        errors.update(error.message_dict)
    if dbs_checked_on is not None and dbs_checked_on > timezone.localdate():
        _add(errors, "dbs_checked_on", "The date of their DBS check must be today or in the past")
    checked = friend.status != DigitalFriend.Status.APPLIED
    if (
        checked
        and "home_visit" in (data.get("places") or changes.get("places") or [])
        and dbs_checked_on is None
        and "dbs_checked_on" not in errors
    ):
        _add(errors, "dbs_checked_on", "Enter the date of their DBS check: they offer home visits")
    _raise(errors)
    cleaned = {name: data[name] for name in EDITABLE_FRIEND_FIELDS}
    cleaned["dbs_checked_on"] = dbs_checked_on
    return cleaned


@transaction.atomic
def update_friend(
    *,
    actor,
    friend: DigitalFriend,
    email: str,
    phone: str,
    topics: Iterable[str],
    languages: Iterable[str],
    places: Iterable[str],
    availability: Iterable[str],
    postcode: str,
    capacity: int | None,
    dbs_checked_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> DigitalFriend:
    """Change a Friend's contact details, topics, languages, places, times or capacity.

    Lowering the capacity below their current load ends nobody's help: they are simply offered
    nobody new until a place frees up. The e-mail they sign in with is not changed here.
    """
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    if friend.status == DigitalFriend.Status.DECLINED:
        raise ValidationError({"__all__": [f"{friend.full_name} was declined"]})
    data = clean_friend_changes(
        friend=friend,
        dbs_checked_on=dbs_checked_on,
        email=email,
        phone=phone,
        topics=topics,
        languages=languages,
        places=places,
        availability=availability,
        postcode=postcode,
        capacity=capacity,
    )
    changed = [name for name, value in data.items() if getattr(friend, name) != value]
    if not changed:
        return friend
    for name in changed:
        setattr(friend, name, data[name])
    friend.save(update_fields=[*changed, "changed_at"])
    audit.record(
        actor=actor,
        action="update",
        object_type="digital_friend",
        object_id=friend.pk,
        fields=changed,
        detail="Details changed",
        request=request,
    )
    return friend


@transaction.atomic
def set_friend_paused(*, actor, friend: DigitalFriend, paused: bool, request=None) -> DigitalFriend:
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    allowed = DigitalFriend.Status.APPROVED if paused else DigitalFriend.Status.PAUSED
    if friend.status != allowed:
        raise ValidationError(
            {
                "__all__": [
                    "Only an approved Friend can be paused"
                    if paused
                    else "This Friend is not paused"
                ]
            }
        )
    friend.status = DigitalFriend.Status.PAUSED if paused else DigitalFriend.Status.APPROVED
    friend.save(update_fields=["status", "changed_at"])
    audit.record(
        actor=actor,
        action="update",
        object_type="digital_friend",
        object_id=friend.pk,
        fields=["status"],
        detail="Paused" if paused else "Available again",
        request=request,
    )
    return friend
