"""A coordinator changing a Digital Friend's details, or pausing them for a while."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from ..models import DigitalFriend
from .friends import DBS_IN_PAST, DBS_NEEDED, audit_friend, clean_friend
from .rules import Errors

# What a coordinator may change on a Friend's record (name and kind stay as signed up).
EDITABLE_FRIEND_FIELDS = ["email", "phone", *DigitalFriend.OFFER_FIELDS]


def clean_friend_changes(
    *, friend: DigitalFriend, dbs_checked_on: datetime.date | None = None, **changes
) -> dict:
    """The changes checked as at sign-up, plus: home visits only with a DBS check once approved."""
    errors = Errors()
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
    errors.not_after_today("dbs_checked_on", dbs_checked_on, message=DBS_IN_PAST)
    checked = friend.status != DigitalFriend.Status.APPLIED
    if (
        checked
        and "home_visit" in (data.get("places") or changes.get("places") or [])
        and dbs_checked_on is None
        and "dbs_checked_on" not in errors
    ):
        errors.add("dbs_checked_on", DBS_NEEDED)
    errors.raise_any()
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
    audit_friend(
        actor=actor, friend=friend, fields=changed, detail="Details changed", request=request
    )
    return friend


@transaction.atomic
def set_friend_paused(*, actor, friend: DigitalFriend, paused: bool, request=None) -> DigitalFriend:
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    allowed = DigitalFriend.Status.APPROVED if paused else DigitalFriend.Status.PAUSED
    if friend.status != allowed:
        refusal = "Only an approved Friend can be paused" if paused else "This Friend is not paused"
        raise ValidationError({"__all__": [refusal]})
    friend.status = DigitalFriend.Status.PAUSED if paused else DigitalFriend.Status.APPROVED
    friend.save(update_fields=["status", "changed_at"])
    audit_friend(
        actor=actor,
        friend=friend,
        fields=["status"],
        detail="Paused" if paused else "Available again",
        request=request,
    )
    return friend
