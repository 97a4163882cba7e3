"""Asking for a Digital Friend: officers' referrals, colleagues and the public form."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from doorstep.core import audit, service_events, timeline
from doorstep.residents.models import Resident

from .. import skills
from ..models import (
    HelpRequest,
)
from .rules import _add, _choices, _email, _is_staff, _phone, _postcode, _raise, _team_of, _text

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
