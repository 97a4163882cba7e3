"""Events (like digital speed dating): places, the waiting list and attendance."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import audit

from .. import skills
from ..models import (
    Event,
    EventSignup,
)
from .rules import (
    MAX_EVENT_CAPACITY,
    _add,
    _choices,
    _email,
    _is_staff,
    _phone,
    _raise,
    _text,
)

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
