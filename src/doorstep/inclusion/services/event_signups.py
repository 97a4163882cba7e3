"""Places at events: signing up (or joining the waiting list) and cancelling, when the first
person waiting moves up and is told by text."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import formats
from doorstep.messaging import services as messaging

from ..models import Event, EventSignup
from .events import booked_count, promote_waiting
from .rules import Errors, audit


def _audit_signup(*, signup: EventSignup, **change) -> None:
    audit(object_type="digital_event_signup", obj=signup, resident_id=signup.resident_id, **change)


@transaction.atomic
def sign_up_for_event(
    *, actor, event: Event, name: str, phone: str = "", email: str = "", resident=None, request=None
) -> EventSignup:
    """A place if there is one, otherwise the waiting list (first come, first served)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    errors = Errors()
    name = errors.text("name", name, required_message="Enter your name", limit=150, what="The name")
    phone = errors.phone("phone", phone)
    email = errors.email("email", email)
    errors.contact(phone, email)
    if event.starts_at <= timezone.now():
        errors.add("__all__", "This event has already started: you cannot sign up for it now")
    errors.raise_any()
    full = booked_count(event) >= event.capacity
    status = EventSignup.Status.WAITING if full else EventSignup.Status.BOOKED
    signup = EventSignup.objects.create(
        event=event, name=name, phone=phone, email=email, status=status, resident=resident
    )
    _audit_signup(actor=actor, signup=signup, action="create", detail=status, request=request)
    return signup


def _tell_one(*, actor, signup: EventSignup, body: str, request) -> str:
    """Text one person; returns a warning when they cannot be texted."""
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
            return f"No text to {signup.name}: tell them they have a place"
    except ValidationError as error:
        # NotTextable (no consent, opted out…) is a ValidationError too: carry on.
        return f"No text to {signup.name}: {error.messages[0]}"
    return ""


def _tell_promoted(*, actor, event: Event, signups: list[EventSignup], request=None) -> list[str]:
    """Text each person moved off the waiting list; who can't be texted comes back as a warning."""
    local = timezone.localtime(event.starts_at)
    warnings = []
    for signup in signups:
        body = (
            f"Hello {signup.name.split(' ')[0]}, a place is free: you are now booked on "
            f"{event.title}, {formats.govuk_datetime(local, 'l j F')}, {event.place}."
        )
        warning = _tell_one(actor=actor, signup=signup, body=body, request=request)
        if warning:
            warnings.append(warning)
    return warnings


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
    promoted = promote_waiting(event)
    _audit_signup(
        actor=actor, signup=signup, fields=["status"], detail="Cancelled", request=request
    )
    for moved in promoted:
        _audit_signup(
            actor=actor,
            signup=moved,
            fields=["status"],
            detail="Moved up from the waiting list",
            request=request,
        )
    warnings = _tell_promoted(actor=actor, event=event, signups=promoted, request=request)
    return Cancelled(signup, promoted, warnings)
