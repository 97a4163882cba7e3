"""The texts sent once a match is accepted: the learner (with a reminder the day before) and
the Friend. Someone who cannot be texted comes back as a warning for the page to show."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from doorstep.messaging import services as messaging

from .. import reminders, tasks
from ..models import Match


def first_name(name: str) -> str:
    return name.split(" ")[0]


# The most the help's topics take in the learner's text, so it stays one or two texts.
TOPICS_LENGTH = 80


def _help_words(match: Match) -> str:
    """What the Friend helps with, in the topics' plain names: never the officer's notes."""
    topics = messaging.shorten(messaging.listing(match.help_request.topic_labels), TOPICS_LENGTH)
    return f"will help you with: {topics}" if topics else "will help you"


def _learner_text(match: Match) -> str:
    help_request, friend = match.help_request, match.friend
    return (
        f"Hello {first_name(help_request.name)}, {first_name(friend.full_name)}, a Digital "
        f"Friend, {_help_words(match)}. First meeting: "
        f"{reminders.when(match.first_meeting_at)}, {match.meeting_place}."
    )


def _friend_text(match: Match) -> str:
    return (
        f"Hello {first_name(match.friend.full_name)}, you are helping {match.help_request.name}. "
        f"First meeting: {reminders.when(match.first_meeting_at)}, {match.meeting_place}. "
        "Their details are on your Digital Friend page."
    )


def _text_resident(*, actor, match: Match, remind_at: datetime.datetime, request) -> list[str]:
    """Through the resident's record: their consent and numbers; the reminder as a nudge."""
    help_request = match.help_request
    try:
        messaging.send_message(
            resident=help_request.resident,
            actor=actor,
            body=_learner_text(match),
            kind="one_off",
            idempotency_key=f"inclusion:match:{match.pk}:learner",
            request=request,
        )
    except ValidationError as error:
        # NotTextable (no consent, opted out…) is a ValidationError too.
        return [f"No text to {help_request.name}: {error.messages[0]}"]
    if remind_at > timezone.now():
        messaging.schedule_nudge(
            resident=help_request.resident,
            send_after=remind_at,
            condition=reminders.nudge_condition(match.pk),
            body=reminders.reminder_text(match),
            key=reminders.reminder_key(match.pk),
        )
    return []


def _text_number(*, match: Match, remind_at: datetime.datetime) -> None:
    """To the number on the request (no resident record); the reminder from a task."""
    messaging.send_system_text(
        number=match.help_request.phone,
        body=_learner_text(match),
        idempotency_key=f"inclusion:match:{match.pk}:learner",
    )
    if remind_at > timezone.now():
        tasks.enqueue_reminder(match.pk, remind_at)


def tell_learner(*, actor, match: Match, request=None) -> list[str]:
    help_request = match.help_request
    remind_at = match.first_meeting_at - datetime.timedelta(days=1)
    if help_request.resident_id:
        return _text_resident(actor=actor, match=match, remind_at=remind_at, request=request)
    if help_request.phone and help_request.consents_to_text:
        _text_number(match=match, remind_at=remind_at)
        return []
    return [f"No text to {help_request.name}: tell them the arrangement another way"]


def tell_friend(match: Match) -> list[str]:
    friend = match.friend
    if not friend.phone:
        return [f"No text to {friend.full_name}: they have no mobile number"]
    messaging.send_system_text(
        number=friend.phone,
        body=_friend_text(match),
        idempotency_key=f"inclusion:match:{match.pk}:friend",
    )
    return []
