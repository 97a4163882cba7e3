"""Events (like digital speed dating): making one, its places, and who came."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.core import actors

from .. import skills
from ..models import Event, EventSignup
from .rules import MAX_EVENT_CAPACITY, Errors, audit

CAPACITY_MESSAGE = f"Enter how many people can come, from 1 to {MAX_EVENT_CAPACITY}"


def audit_event(*, event: Event, **change) -> None:
    audit(object_type="digital_event", obj=event, **change)


def _check_times(errors: Errors, starts_at, ends_at) -> None:
    if starts_at is None:
        errors.add("starts_at", "Enter the date and time the event starts")
    elif starts_at <= timezone.now():
        errors.add("starts_at", "The event must start in the future")
    if ends_at is None:
        errors.add("ends_at", "Enter the time the event ends")
    elif starts_at is not None and ends_at <= starts_at:
        errors.add("ends_at", "The event must end after it starts")


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
    errors = Errors()
    title = errors.text(
        "title",
        title,
        required_message="Enter a name for the event",
        limit=150,
        what="The name",
    )
    place = errors.text(
        "place",
        place,
        required_message="Enter where the event is, like Central Library",
        limit=200,
        what="The place",
    )
    description = errors.text("description", description, what="The description")
    topics = errors.choices(
        "topics",
        topics,
        skills.TOPICS,
        what="topics",
        missing="Select at least one topic Friends will help with",
    )
    _check_times(errors, starts_at, ends_at)
    errors.number("capacity", capacity, most=MAX_EVENT_CAPACITY, message=CAPACITY_MESSAGE)
    errors.raise_any()
    event = Event.objects.create(
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        topics=topics,
        description=description,
        created_by=actors.staff_or_none(actor),
    )
    audit_event(actor=actor, event=event, action="create", request=request)
    return event


def booked_count(event: Event) -> int:
    return event.signups.filter(status=EventSignup.Status.BOOKED).count()


def promote_waiting(event: Event) -> list[EventSignup]:
    """Give free places to the waiting list, first come first served; returns who moved up."""
    free = event.capacity - booked_count(event)
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


@transaction.atomic
def change_event_capacity(*, actor, event: Event, capacity: int | None, request=None) -> Event:
    """A bigger room lets people off the waiting list; a smaller one may not drop anyone booked."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    booked = booked_count(event)
    if capacity is None or not 1 <= capacity <= MAX_EVENT_CAPACITY:
        raise ValidationError({"capacity": [CAPACITY_MESSAGE]})
    if capacity < booked:
        raise ValidationError(
            {
                "capacity": [
                    f"{booked} people are booked already: the event cannot hold fewer than "
                    f"{booked}. Cancel bookings first"
                ]
            }
        )
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    promote_waiting(event)
    audit_event(actor=actor, event=event, fields=["capacity"], request=request)
    return event


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
    audit_event(
        actor=actor,
        event=event,
        fields=["attended"],
        detail=f"{len(ids)} attended",
        request=request,
    )
    return len(ids)
