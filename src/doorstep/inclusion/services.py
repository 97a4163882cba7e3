"""Every write about digital inclusion. Keyword-only, atomic, audited; views and the API call these.

Checks raise django ValidationError with a message per field, in the GOV.UK voice, and write
nothing then. Texts go through the messaging service: a learner or Friend who cannot be texted
is not an error, the reason comes back as a warning for the page to show.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from doorstep.core import audit, roles, service_events, timeline
from doorstep.core.models import Staff
from doorstep.core.validators import normalise_phone, normalise_postcode
from doorstep.residents.models import Resident

from . import scale, skills
from .models import (
    AccessNeeds,
    DigitalFriend,
    Event,
    EventSignup,
    HelpRequest,
    Match,
    Session,
    SkillsCheck,
)

MAX_TEXT = 500
MAX_CAPACITY = 10
MAX_EVENT_CAPACITY = 500
MAX_MINUTES = 8 * 60
NUDGE_CONDITION = "inclusion.first_meeting"
CONFIDENCE_MESSAGE = {
    True: "Select how confident you feel, from 1 to 5",
    False: "Select how confident they feel, from 1 to 5",
}
CONFIDENCE_BEFORE = "Select how confident they felt before the session, from 1 to 5"
CONFIDENCE_AFTER = "Select how confident they felt after the session, from 1 to 5"


def _is_staff(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


def _actor_label(actor) -> str:
    return str(actor)[:200] if actor is not None else "The resident"


def _team_of(actor):
    return actor.teams.order_by("name").first() if _is_staff(actor) else None


def _add(errors: dict, field_name: str, message: str) -> None:
    errors.setdefault(field_name, []).append(message)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _choices(errors, field_name, values, table, *, what, required=True, missing="") -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in table]
    if unknown:
        _add(errors, field_name, f"“{unknown[0]}” is not one of the {what} listed")
    elif required and not values:
        _add(errors, field_name, missing)
    return skills.in_order(values, table)


def _phone(errors, field_name, value, *, required=False, what="a phone number") -> str:
    value = (value or "").strip()
    if not value:
        if required:
            _add(errors, field_name, f"Enter {what}, like 07700 900 982")
        return ""
    try:
        return normalise_phone(value)
    except ValidationError as error:
        errors.setdefault(field_name, []).extend(error.messages)
        return ""


def _postcode(errors, field_name, value) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_postcode(value)
    except ValidationError as error:
        errors.setdefault(field_name, []).extend(error.messages)
        return ""


def _email(errors, field_name, value, *, required=False) -> str:
    value = (value or "").strip().lower()
    if not value:
        if required:
            _add(errors, field_name, "Enter an e-mail address, like name@example.com")
        return ""
    try:
        validate_email(value)
    except ValidationError:
        _add(
            errors,
            field_name,
            "Enter an e-mail address in the correct format, like name@example.com",
        )
    return value


def _text(errors, field_name, value, *, required_message="", limit=MAX_TEXT, what="This") -> str:
    value = (value or "").strip()
    if not value and required_message:
        _add(errors, field_name, required_message)
    elif len(value) > limit:
        _add(errors, field_name, f"{what} must be {limit:,} characters or fewer")
    return value


# --- Skills checks ------------------------------------------------------------------------


def clean_routing(
    routing: dict, *, you: bool = False
) -> tuple[scale.RoutingAnswers, scale.Placement]:
    """`you` words the messages for someone answering for themselves (the public check)."""
    fields = scale.RoutingAnswers.__dataclass_fields__
    answers = scale.RoutingAnswers(**{name: routing.get(name) for name in fields})
    try:
        return answers, scale.place(answers)
    except scale.MissingAnswer as missing:
        message = scale.YOU_MESSAGES[missing.field] if you else missing.message
        raise ValidationError({missing.field: [message]}) from missing


@transaction.atomic
def record_skills_check(
    *,
    actor,
    resident: Resident | None,
    tasks: Iterable[str],
    routing: dict,
    has_device: bool,
    connection: str,
    enough_data: bool,
    confidence: int | None,
    source: str = SkillsCheck.Source.OFFICER,
    checked_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> SkillsCheck:
    """Score the check, place the level, store it with what would help. Raises ValidationError."""
    errors: dict = {}
    # On their own the person reads "you"; with an officer or a Friend, "they".
    you = source == SkillsCheck.Source.SELF
    who = "you" if you else "they"
    tasks = _choices(errors, "tasks", tasks, skills.ALL_TASKS, what="skills", required=False)
    if connection not in dict(skills.CONNECTION_CHOICES):
        _add(errors, "connection", f"Select how {who} get online")
    if confidence is not None and confidence not in range(1, 6):
        _add(errors, "confidence", CONFIDENCE_MESSAGE[you])
    if source not in SkillsCheck.Source.values:
        _add(errors, "source", "Unknown source of the check")
    try:
        answers, placement = clean_routing(routing, you=you)
    except ValidationError as error:
        errors.update(error.message_dict)
    _raise(errors)
    if resident is not None:
        resident = Resident.objects.select_for_update().get(pk=resident.pk)
        if resident.merged_into_id:
            raise ValidationError(
                {"resident": [f"This record was merged into record {resident.merged_into_id}"]}
            )
    previous = None
    if resident is not None:
        previous = (
            SkillsCheck.objects.filter(resident=resident)
            .order_by("-checked_at", "-id")
            .values_list("level", flat=True)
            .first()
        )
    result = skills.score(tasks)
    suggestions = skills.what_would_help(
        level=placement.level,
        result=result,
        has_device=has_device,
        connection=connection,
        enough_data=enough_data,
    )
    check = SkillsCheck.objects.create(
        resident=resident,
        checked_at=checked_at or timezone.now(),
        checked_by=actor if _is_staff(actor) else None,
        checked_by_label=_actor_label(actor) if actor is not None else "",
        source=source,
        tasks=tasks,
        foundation=result.foundation,
        areas=result.areas,
        routing={k: v for k, v in answers.__dict__.items() if v is not None},
        level=placement.level,
        level_reason=placement.reason,
        previous_level=previous,
        has_device=has_device,
        connection=connection,
        enough_data=enough_data,
        confidence=confidence,
        suggestions=[s.__dict__ for s in suggestions],
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="skills_check",
        object_id=check.pk,
        resident_id=resident.pk if resident else None,
        fields=["tasks", "routing", "level"],
        request=request,
    )
    if resident is not None:
        timeline.add_event(
            resident_id=resident.pk,
            kind="skills_check",
            actor=actor,
            occurred_at=check.checked_at,
            summary=f"Digital skills check: level {check.level} ({check.level_label})",
            source=check,
            url=check.get_absolute_url(),
        )
    team = _team_of(actor)
    channel = "digital" if source == SkillsCheck.Source.SELF else "assisted_digital"
    service_events.transaction_started(
        service="skills_check", source=check, team=team, channel=channel
    )
    service_events.record(
        name="inclusion.skills_check",
        value=check.level,
        team=team,
        channel=channel,
        source=check,
        occurred_at=check.checked_at,
        attributes={"previous_level": previous, "foundation": check.foundation},
    )
    service_events.transaction_completed(
        service="skills_check", source=check, team=team, channel=channel
    )
    return check


def record_check_view(*, actor, resident_id: int, object_id="", detail="", request=None) -> None:
    record_view(
        actor=actor,
        resident_id=resident_id,
        object_type="skills_check",
        object_id=object_id,
        detail=detail,
        request=request,
    )


def record_view(
    *, actor, resident_id, object_type: str, object_id="", detail="", request=None
) -> None:
    """Every staff read of a resident's data is audited, Friends' reads included."""
    audit.record(
        actor=actor,
        action="view",
        object_type=object_type,
        object_id=object_id,
        resident_id=resident_id,
        detail=detail,
        request=request,
    )


@transaction.atomic
def save_access_needs(
    *,
    actor,
    resident: Resident,
    channels: Iterable[str],
    needs_help_online: bool,
    language: str = "",
    accessibility_needs: str = "",
    request: HttpRequest | None = None,
) -> AccessNeeds:
    errors: dict = {}
    names = dict(AccessNeeds.Channel.choices)
    channels = _choices(errors, "channels", channels, names, what="ways of contact", required=False)
    language = _text(errors, "language", language, limit=60, what="The language")
    accessibility_needs = _text(
        errors, "accessibility_needs", accessibility_needs, what="Accessibility needs"
    )
    _raise(errors)
    needs, _ = AccessNeeds.objects.select_for_update().get_or_create(resident=resident)
    needs.channels = channels
    needs.needs_help_online = needs_help_online
    needs.language = language
    needs.accessibility_needs = accessibility_needs
    needs.updated_at = timezone.now()
    needs.updated_by = actor if _is_staff(actor) else None
    needs.save()
    audit.record(
        actor=actor,
        action="update",
        object_type="access_needs",
        object_id=needs.pk,
        resident_id=resident.pk,
        fields=["channels", "needs_help_online", "language", "accessibility_needs"],
        request=request,
    )
    timeline.add_event(
        resident_id=resident.pk,
        kind="digital_help",
        actor=actor,
        summary="Contact and access needs updated",
        source=needs,
    )
    return needs


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


# --- Help requests and matching ----------------------------------------------------------


# How an officer was in touch with the resident when referring them.
REFERRAL_CHANNELS = {"face_to_face": "Face to face", "phone": "On the phone"}


def clean_help_request(
    *,
    source: str,
    has_resident: bool,
    name: str,
    phone: str = "",
    email: str = "",
    consents_to_text: bool = False,
    goal: str,
    topics: Iterable[str],
    language: str = "English",
    places: Iterable[str],
    availability: Iterable[str],
    postcode: str = "",
) -> dict:
    """The request's details checked; ValidationError with a message per field."""
    errors: dict = {}
    if source not in HelpRequest.Source.values:
        _add(errors, "source", "Unknown source of the request")
    data = {
        "name": _text(
            errors,
            "name",
            name,
            required_message="Enter the name of the person who wants help",
            limit=150,
            what="The name",
        ),
        "phone": _phone(errors, "phone", phone),
        "email": _email(errors, "email", email),
        "goal": _text(
            errors,
            "goal",
            goal,
            required_message="Enter what they want to be able to do",
            what="What they want to do",
        ),
        "topics": _choices(
            errors,
            "topics",
            topics,
            skills.TOPICS,
            what="topics",
            missing="Select at least one thing they want help with",
        ),
        "places": _choices(
            errors,
            "places",
            places,
            skills.PLACES,
            what="places",
            missing="Select at least one place where they could meet",
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
        "language": _text(errors, "language", language, limit=60, what="The language") or "English",
    }
    if (
        source == HelpRequest.Source.PUBLIC
        and not data["phone"]
        and not data["email"]
        and "phone" not in errors
        and "email" not in errors
    ):
        _add(errors, "phone", "Enter a phone number or an e-mail address so we can contact you")
    if consents_to_text and not data["phone"] and "phone" not in errors and not has_resident:
        _add(errors, "phone", "Enter a mobile number for the texts, or untick texts")
    _raise(errors)
    return data


@transaction.atomic
def make_help_request(
    *,
    actor,
    source: str,
    resident: Resident | None = None,
    name: str,
    phone: str = "",
    email: str = "",
    consents_to_text: bool = False,
    goal: str,
    topics: Iterable[str],
    language: str = "English",
    places: Iterable[str],
    availability: Iterable[str],
    postcode: str = "",
    contact_channel: str = "",
    request: HttpRequest | None = None,
) -> HelpRequest:
    """`contact_channel` is how an officer referring a resident was in touch with them
    (face_to_face, the default, or phone); other sources have a fixed channel."""
    data = clean_help_request(
        source=source,
        has_resident=resident is not None,
        name=name,
        phone=phone,
        email=email,
        consents_to_text=consents_to_text,
        goal=goal,
        topics=topics,
        language=language,
        places=places,
        availability=availability,
        postcode=postcode,
    )
    if source == HelpRequest.Source.OFFICER:
        contact_channel = contact_channel or "face_to_face"
        if contact_channel not in REFERRAL_CHANNELS:
            raise ValidationError(
                {
                    "contact_channel": [
                        "Select whether you spoke to them face to face or on the phone"
                    ]
                }
            )
        channel = contact_channel
    else:
        # The public form, or a colleague filling in the staff form for themselves: online.
        channel = "digital"
    if resident is not None:
        resident = Resident.objects.select_for_update().get(pk=resident.pk)
        if resident.merged_into_id:
            raise ValidationError(
                {"resident": [f"This record was merged into record {resident.merged_into_id}"]}
            )
    team = _team_of(actor)
    help_request = HelpRequest.objects.create(
        resident=resident,
        source=source,
        consents_to_text=consents_to_text,
        made_by=actor if _is_staff(actor) else None,
        team=team,
        **data,
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="help_request",
        object_id=help_request.pk,
        resident_id=resident.pk if resident else None,
        fields=[k for k, v in data.items() if v],
        request=request,
    )
    if resident is not None:
        timeline.add_event(
            resident_id=resident.pk,
            kind="digital_help",
            actor=actor,
            summary="Referred to a Digital Friend",
            body=data["goal"],
            source=help_request,
        )
    service_events.transaction_started(
        service="help_request",
        source=help_request,
        team=team,
        channel=channel,
    )
    service_events.record(
        name="inclusion.help_request",
        team=team,
        source=help_request,
        occurred_at=help_request.created_at,
        attributes={"source": source},
    )
    return help_request


@transaction.atomic
def offer_match(*, actor, help_request: HelpRequest, friend: DigitalFriend, request=None) -> Match:
    """Offer the request to a Friend, who accepts (or the coordinator does for them)."""
    from . import queries

    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    if help_request.status not in (HelpRequest.Status.WAITING, HelpRequest.Status.OFFERED):
        raise ValidationError({"friend": ["This request already has a Digital Friend"]})
    ranked = {r.candidate.id: r for r in queries.ranked_friends(help_request, limit=None)}
    if friend.pk not in ranked:
        raise ValidationError(
            {
                "friend": [
                    f"{friend.full_name} cannot be offered this request: they are paused, full, or do not help with these topics"
                ]
            }
        )
    Match.objects.filter(help_request=help_request, status=Match.Status.OFFERED).update(
        status=Match.Status.DECLINED
    )
    chosen = ranked[friend.pk]
    match = Match.objects.create(
        help_request=help_request,
        friend=friend,
        score=chosen.score,
        reasons=chosen.reasons,
        offered_by=actor if _is_staff(actor) else None,
    )
    help_request.status = HelpRequest.Status.OFFERED
    help_request.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="create",
        object_type="match",
        object_id=match.pk,
        resident_id=help_request.resident_id,
        detail=f"Offered to Digital Friend {friend.pk}",
        request=request,
    )
    return match


@dataclass
class Arranged:
    match: Match
    warnings: list[str] = field(default_factory=list)


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    hour = local.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    return f"{local:%A} {local.day} {local:%B} at {hour}"


@transaction.atomic
def accept_match(
    *,
    actor,
    match: Match,
    first_meeting_at: datetime.datetime | None,
    meeting_place: str,
    request: HttpRequest | None = None,
) -> Arranged:
    """The Friend (or the coordinator) accepts: both get a text, the learner a reminder the day before."""
    from doorstep.messaging import services as messaging

    match = (
        Match.objects.select_for_update().select_related("help_request", "friend").get(pk=match.pk)
    )
    errors: dict = {}
    if match.status != Match.Status.OFFERED:
        _add(errors, "__all__", "This match is no longer waiting to be accepted")
    if first_meeting_at is None:
        _add(errors, "first_meeting_at", "Enter the date and time of the first meeting")
    elif first_meeting_at <= timezone.now():
        _add(errors, "first_meeting_at", "The first meeting must be in the future")
    meeting_place = _text(
        errors,
        "meeting_place",
        meeting_place,
        required_message="Enter where they will meet, like Central Library or by phone",
        limit=200,
        what="The place",
    )
    _raise(errors)
    help_request = match.help_request
    friend = match.friend
    match.status = Match.Status.ACCEPTED
    match.accepted_at = timezone.now()
    match.accepted_by = actor if _is_staff(actor) else None
    match.first_meeting_at = first_meeting_at
    match.meeting_place = meeting_place
    match.save()
    HelpRequest.objects.filter(pk=help_request.pk).update(status=HelpRequest.Status.ARRANGED)
    audit.record(
        actor=actor,
        action="update",
        object_type="match",
        object_id=match.pk,
        resident_id=help_request.resident_id,
        fields=["status", "first_meeting_at", "meeting_place"],
        detail="Accepted",
        request=request,
    )
    when = _when(first_meeting_at)
    warnings = []
    learner_text = (
        f"Hello {help_request.name.split(' ')[0]}, {friend.full_name.split(' ')[0]}, a Digital "
        f"Friend, will help you with {help_request.goal[:80]}. First meeting: {when}, "
        f"{meeting_place}."
    )
    friend_text = (
        f"Hello {friend.full_name.split(' ')[0]}, you are helping {help_request.name}. First "
        f"meeting: {when}, {meeting_place}. Their details are on your Digital Friend page."
    )
    reminder = f"Reminder: you meet your Digital Friend {friend.full_name.split(' ')[0]} tomorrow, {when}, {meeting_place}."
    remind_at = first_meeting_at - datetime.timedelta(days=1)
    condition = f"{NUDGE_CONDITION}:{match.pk}"
    if help_request.resident_id:
        resident = help_request.resident
        try:
            messaging.send_message(
                resident=resident,
                actor=actor,
                body=learner_text,
                kind="one_off",
                idempotency_key=f"inclusion:match:{match.pk}:learner",
                request=request,
            )
        except messaging.NotTextable as error:
            warnings.append(f"No text to {help_request.name}: {error.messages[0]}")
        except ValidationError as error:
            warnings.append(f"No text to {help_request.name}: {error.messages[0]}")
        else:
            if remind_at > timezone.now():
                messaging.schedule_nudge(
                    resident=resident,
                    send_after=remind_at,
                    condition=condition,
                    body=reminder,
                    key=f"inclusion:match:{match.pk}:reminder",
                )
    elif help_request.phone and help_request.consents_to_text:
        messaging.send_system_text(
            number=help_request.phone,
            body=learner_text,
            idempotency_key=f"inclusion:match:{match.pk}:learner",
        )
        if remind_at > timezone.now():
            from .tasks import enqueue_reminder

            enqueue_reminder(match.pk, remind_at)
    else:
        warnings.append(f"No text to {help_request.name}: tell them the arrangement another way")
    if friend.phone:
        messaging.send_system_text(
            number=friend.phone,
            body=friend_text,
            idempotency_key=f"inclusion:match:{match.pk}:friend",
        )
    else:
        warnings.append(f"No text to {friend.full_name}: they have no mobile number")
    return Arranged(match, warnings)


def reminder_needed(match_id: str) -> bool:
    """The nudge condition: True (reminder no longer needed) once met, cancelled or gone."""
    match = Match.objects.filter(pk=match_id).first()
    if match is None or match.status != Match.Status.ACCEPTED:
        return False
    return not match.sessions.exists()


@transaction.atomic
def send_learner_reminder(*, match_id: int) -> bool:
    """For learners with no resident record: the reminder text, once, if still wanted."""
    from doorstep.messaging import services as messaging

    match = Match.objects.select_related("help_request", "friend").filter(pk=match_id).first()
    if match is None or not reminder_needed(str(match_id)) or not match.first_meeting_at:
        return False
    help_request = match.help_request
    if not (help_request.phone and help_request.consents_to_text):
        return False
    messaging.send_system_text(
        number=help_request.phone,
        body=(
            f"Reminder: you meet your Digital Friend {match.friend.full_name.split(' ')[0]} "
            f"tomorrow, {_when(match.first_meeting_at)}, {match.meeting_place}."
        ),
        idempotency_key=f"inclusion:match:{match.pk}:reminder",
    )
    return True


def _close_match(
    *,
    actor,
    match: Match,
    expected: str,
    to: str,
    request_status: str,
    refusal: str,
    detail: str,
    request=None,
) -> Match:
    """Move a match on from `expected` to `to`, and its help request to `request_status`."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != expected:
        raise ValidationError({"__all__": [refusal]})
    match.status = to
    match.save(update_fields=["status"])
    HelpRequest.objects.filter(pk=match.help_request_id).update(status=request_status)
    audit.record(
        actor=actor,
        action="update",
        object_type="match",
        object_id=match.pk,
        fields=["status"],
        detail=detail,
        request=request,
    )
    return match


@transaction.atomic
def decline_match(*, actor, match: Match, request=None) -> Match:
    """The Friend (or coordinator) turns the offer down: the request waits for another Friend."""
    return _close_match(
        actor=actor,
        match=match,
        expected=Match.Status.OFFERED,
        to=Match.Status.DECLINED,
        request_status=HelpRequest.Status.WAITING,
        refusal="This match is no longer waiting to be accepted",
        detail="Declined",
        request=request,
    )


# --- Sessions ---------------------------------------------------------------------------------


@transaction.atomic
def log_session(
    *,
    actor,
    match: Match,
    held_on: datetime.date | None,
    minutes: int | None,
    topics: Iterable[str],
    can_now_do: str = "",
    confidence_before: int | None,
    confidence_after: int | None,
    next_step: str = "",
    now_online: bool = False,
    request: HttpRequest | None = None,
) -> Session:
    from doorstep.messaging import services as messaging

    match = (
        Match.objects.select_for_update().select_related("help_request", "friend").get(pk=match.pk)
    )
    errors: dict = {}
    if match.status != Match.Status.ACCEPTED:
        _add(errors, "__all__", "Sessions can only be logged once the match is accepted")
    if held_on is None:
        _add(errors, "held_on", "Enter the date of the session")
    elif held_on > timezone.localdate():
        _add(errors, "held_on", "The date of the session must be today or in the past")
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        _add(
            errors, "minutes", f"Enter how long the session was in minutes, from 1 to {MAX_MINUTES}"
        )
    topics = _choices(
        errors,
        "topics",
        topics,
        skills.TOPICS,
        what="topics",
        missing="Select at least one topic you covered",
    )
    for name, value, message in [
        ("confidence_before", confidence_before, CONFIDENCE_BEFORE),
        ("confidence_after", confidence_after, CONFIDENCE_AFTER),
    ]:
        if value is None or value not in range(1, 6):
            _add(errors, name, message)
    can_now_do = _text(errors, "can_now_do", can_now_do, what="What they can now do")
    next_step = _text(errors, "next_step", next_step, what="The next step")
    _raise(errors)
    first = not match.sessions.exists()
    learner_first = (
        first and not Session.objects.filter(match__help_request=match.help_request).exists()
    )
    session = Session.objects.create(
        match=match,
        held_on=held_on,
        minutes=minutes,
        topics=topics,
        can_now_do=can_now_do,
        confidence_before=confidence_before,
        confidence_after=confidence_after,
        next_step=next_step,
        now_online=now_online,
        logged_by=actor if _is_staff(actor) else None,
    )
    help_request = match.help_request
    if help_request.status != HelpRequest.Status.HELPING:
        HelpRequest.objects.filter(pk=help_request.pk).update(status=HelpRequest.Status.HELPING)
    audit.record(
        actor=actor,
        action="create",
        object_type="digital_session",
        object_id=session.pk,
        resident_id=help_request.resident_id,
        fields=["held_on", "minutes", "topics", "confidence_before", "confidence_after"],
        request=request,
    )
    if help_request.resident_id:
        timeline.add_event(
            resident_id=help_request.resident_id,
            kind="digital_help",
            actor=actor,
            summary=f"Session with a Digital Friend ({minutes} minutes)",
            body=can_now_do,
            source=session,
        )
    occurred = timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(12)))
    service_events.record(
        name="inclusion.session",
        value=minutes,
        team=help_request.team_id,
        channel="assisted_digital",
        source=session,
        occurred_at=occurred,
        attributes={"friend": match.friend_id, "learner_first_session": learner_first},
    )
    if learner_first:
        service_events.transaction_completed(
            service="help_request",
            source=help_request,
            team=help_request.team_id,
            channel="assisted_digital",
        )
    if first:
        messaging.cancel_nudges(condition=f"{NUDGE_CONDITION}:{match.pk}")
    return session


# --- Events -------------------------------------------------------------------------------------


@transaction.atomic
def create_event(
    *,
    actor,
    title: str,
    place: str,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
    capacity: int | None,
    topics: Iterable[str],
    description: str = "",
    request=None,
) -> Event:
    errors: dict = {}
    title = _text(
        errors,
        "title",
        title,
        required_message="Enter a name for the event",
        limit=150,
        what="The name",
    )
    place = _text(
        errors,
        "place",
        place,
        required_message="Enter where the event is, like Central Library",
        limit=200,
        what="The place",
    )
    description = _text(errors, "description", description, what="The description")
    topics = _choices(
        errors,
        "topics",
        topics,
        skills.TOPICS,
        what="topics",
        missing="Select at least one topic Friends will help with",
    )
    if starts_at is None:
        _add(errors, "starts_at", "Enter the date and time the event starts")
    elif starts_at <= timezone.now():
        _add(errors, "starts_at", "The event must start in the future")
    if ends_at is None:
        _add(errors, "ends_at", "Enter the time the event ends")
    elif starts_at is not None and ends_at <= starts_at:
        _add(errors, "ends_at", "The event must end after it starts")
    if capacity is None or not 1 <= capacity <= MAX_EVENT_CAPACITY:
        _add(errors, "capacity", f"Enter how many people can come, from 1 to {MAX_EVENT_CAPACITY}")
    _raise(errors)
    event = Event.objects.create(
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        topics=topics,
        description=description,
        created_by=actor if _is_staff(actor) else None,
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="digital_event",
        object_id=event.pk,
        request=request,
    )
    return event


@transaction.atomic
def change_event_capacity(*, actor, event: Event, capacity: int | None, request=None) -> Event:
    """A bigger room lets people off the waiting list; a smaller one may not drop anyone booked."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    booked = event.signups.filter(status=EventSignup.Status.BOOKED).count()
    if capacity is None or not 1 <= capacity <= MAX_EVENT_CAPACITY:
        raise ValidationError(
            {"capacity": [f"Enter how many people can come, from 1 to {MAX_EVENT_CAPACITY}"]}
        )
    if capacity < booked:
        raise ValidationError(
            {
                "capacity": [
                    f"{booked} people are booked already: the event cannot hold fewer than {booked}. Cancel bookings first"
                ]
            }
        )
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    _promote_waiting(event)
    audit.record(
        actor=actor,
        action="update",
        object_type="digital_event",
        object_id=event.pk,
        fields=["capacity"],
        request=request,
    )
    return event


def _promote_waiting(event: Event) -> list[EventSignup]:
    """Give free places to the waiting list, first come first served; returns who moved up."""
    booked = event.signups.filter(status=EventSignup.Status.BOOKED).count()
    free = event.capacity - booked
    if free <= 0:
        return []
    waiting = list(
        event.signups.filter(status=EventSignup.Status.WAITING).order_by("signed_up_at", "id")[
            :free
        ]
    )
    EventSignup.objects.filter(pk__in=[s.pk for s in waiting]).update(
        status=EventSignup.Status.BOOKED
    )
    return waiting


def _tell_promoted(*, actor, event: Event, signups: list[EventSignup], request=None) -> list[str]:
    """Text each person moved off the waiting list; who can't be texted comes back as a warning."""
    from doorstep.messaging import services as messaging

    local = timezone.localtime(event.starts_at)
    warnings = []
    for signup in signups:
        body = (
            f"Hello {signup.name.split(' ')[0]}, a place is free: you are now booked on "
            f"{event.title}, {local:%A} {local.day} {local:%B} at {local:%H:%M}, {event.place}."
        )
        key = f"inclusion:event_signup:{signup.pk}:promoted"
        try:
            if signup.resident_id:
                messaging.send_message(
                    resident=signup.resident,
                    actor=actor,
                    body=body,
                    kind="one_off",
                    idempotency_key=key,
                    request=request,
                )
            elif signup.phone:
                messaging.send_system_text(number=signup.phone, body=body, idempotency_key=key)
            else:
                warnings.append(f"No text to {signup.name}: tell them they have a place")
        except ValidationError as error:
            # NotTextable (no consent, opted out…) is a ValidationError too: carry on.
            warnings.append(f"No text to {signup.name}: {error.messages[0]}")
    return warnings


@transaction.atomic
def sign_up_for_event(
    *, actor, event: Event, name: str, phone: str = "", email: str = "", resident=None, request=None
) -> EventSignup:
    """A place if there is one, otherwise the waiting list (first come, first served)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    errors: dict = {}
    name = _text(
        errors, "name", name, required_message="Enter your name", limit=150, what="The name"
    )
    phone = _phone(errors, "phone", phone)
    email = _email(errors, "email", email)
    if not phone and not email and "phone" not in errors and "email" not in errors:
        _add(errors, "phone", "Enter a phone number or an e-mail address so we can contact you")
    if event.starts_at <= timezone.now():
        _add(errors, "__all__", "This event has already started: you cannot sign up for it now")
    _raise(errors)
    booked = event.signups.filter(status=EventSignup.Status.BOOKED).count()
    status = EventSignup.Status.BOOKED if booked < event.capacity else EventSignup.Status.WAITING
    signup = EventSignup.objects.create(
        event=event, name=name, phone=phone, email=email, status=status, resident=resident
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="digital_event_signup",
        object_id=signup.pk,
        resident_id=resident.pk if resident else None,
        detail=status,
        request=request,
    )
    return signup


@dataclass
class Cancelled:
    signup: EventSignup
    promoted: list[EventSignup] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def cancel_signup(*, actor, signup: EventSignup, request=None) -> Cancelled:
    """Cancel a booking or a place on the waiting list; the first waiting moves up, with a text."""
    signup = EventSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status == EventSignup.Status.CANCELLED:
        return Cancelled(signup)
    event = Event.objects.select_for_update().get(pk=signup.event_id)
    signup.status = EventSignup.Status.CANCELLED
    signup.save(update_fields=["status"])
    promoted = _promote_waiting(event)
    audit.record(
        actor=actor,
        action="update",
        object_type="digital_event_signup",
        object_id=signup.pk,
        resident_id=signup.resident_id,
        fields=["status"],
        detail="Cancelled",
        request=request,
    )
    for moved in promoted:
        audit.record(
            actor=actor,
            action="update",
            object_type="digital_event_signup",
            object_id=moved.pk,
            resident_id=moved.resident_id,
            fields=["status"],
            detail="Moved up from the waiting list",
            request=request,
        )
    warnings = _tell_promoted(actor=actor, event=event, signups=promoted, request=request)
    return Cancelled(signup, promoted, warnings)


@transaction.atomic
def record_attendance(*, actor, event: Event, attended_ids: Iterable[int], request=None) -> int:
    """Taken on the day: ticked people came, other booked people did not."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at.date() > timezone.localdate():
        raise ValidationError(
            {"attended": ["Attendance can be taken on the day of the event or after it"]}
        )
    ids = {int(i) for i in attended_ids}
    booked = event.signups.filter(status=EventSignup.Status.BOOKED)
    unknown = ids - set(booked.values_list("pk", flat=True))
    if unknown:
        raise ValidationError({"attended": ["Tick only people who are booked on this event"]})
    booked.filter(pk__in=ids).update(attended=True)
    booked.exclude(pk__in=ids).update(attended=False)
    audit.record(
        actor=actor,
        action="update",
        object_type="digital_event",
        object_id=event.pk,
        fields=["attended"],
        detail=f"{len(ids)} attended",
        request=request,
    )
    return len(ids)


@transaction.atomic
def end_match(*, actor, match: Match, request=None) -> Match:
    """Helping has finished: the Friend's place is free again and the request is closed."""
    return _close_match(
        actor=actor,
        match=match,
        expected=Match.Status.ACCEPTED,
        to=Match.Status.ENDED,
        request_status=HelpRequest.Status.CLOSED,
        refusal="Only a match that was accepted can be ended",
        detail="Ended",
        request=request,
    )


# --- Merging ----------------------------------------------------------------------------------


@transaction.atomic
def move_resident(*, from_resident_id: int, to_resident_id: int) -> int:
    """Checks and requests follow the person; access needs move if the kept record has none."""
    moved = SkillsCheck.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
    moved += HelpRequest.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
    moved += EventSignup.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
    if not AccessNeeds.objects.filter(resident_id=to_resident_id).exists():
        moved += AccessNeeds.objects.filter(resident_id=from_resident_id).update(
            resident_id=to_resident_id
        )
    return moved
