"""Asking for a Digital Friend: officers' referrals, colleagues and the public form."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from doorstep.core import actors, service_events
from doorstep.core.changes import Timeline, record_change
from doorstep.residents.models import Resident

from ..models import HelpRequest
from .rules import Errors, lock_live_resident

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
    errors = Errors()
    if source not in HelpRequest.Source.values:
        errors.add("source", "Unknown source of the request")
    data = {
        "name": errors.text(
            "name",
            name,
            required_message="Enter the name of the person who wants help",
            limit=150,
            what="The name",
        ),
        "phone": errors.phone("phone", phone),
        "email": errors.email("email", email),
        "goal": errors.text(
            "goal",
            goal,
            required_message="Enter what they want to be able to do",
            what="What they want to do",
        ),
        **errors.topics_places_times(
            topics=topics,
            places=places,
            availability=availability,
            topics_missing="Select at least one thing they want help with",
            places_missing="Select at least one place where they could meet",
        ),
        "postcode": errors.postcode("postcode", postcode),
        "language": errors.text("language", language, limit=60, what="The language") or "English",
    }
    if source == HelpRequest.Source.PUBLIC:
        errors.contact(data["phone"], data["email"])
    if consents_to_text and not data["phone"] and "phone" not in errors and not has_resident:
        errors.add("phone", "Enter a mobile number for the texts, or untick texts")
    errors.raise_any()
    return data


def _channel(source: str, contact_channel: str) -> str:
    """How the resident was in touch: an officer says; the public form or a colleague asking
    for themselves is online."""
    if source != HelpRequest.Source.OFFICER:
        return "digital"
    contact_channel = contact_channel or "face_to_face"
    if contact_channel not in REFERRAL_CHANNELS:
        raise ValidationError(
            {"contact_channel": ["Select whether you spoke to them face to face or on the phone"]}
        )
    return contact_channel


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
    channel = _channel(source, contact_channel)
    if resident is not None:
        resident = lock_live_resident(resident)
    team = actors.first_team(actor)
    help_request = HelpRequest.objects.create(
        resident=resident,
        source=source,
        consents_to_text=consents_to_text,
        made_by=actors.staff_or_none(actor),
        team=team,
        **data,
    )
    record_change(
        actor=actor,
        action="create",
        object_type="help_request",
        object_id=help_request.pk,
        resident_id=help_request.resident_id,
        fields=[k for k, v in data.items() if v],
        request=request,
        timeline_event=Timeline(
            kind="digital_help",
            summary="Referred to a Digital Friend",
            body=data["goal"],
            source=help_request,
        ),
    )
    service_events.transaction_started(
        service="help_request", source=help_request, team=team, channel=channel
    )
    service_events.record(
        name="inclusion.help_request",
        team=team,
        source=help_request,
        occurred_at=help_request.created_at,
        attributes={"source": source},
    )
    return help_request
