"""The reminder the day before a learner's first meeting with their Digital Friend.

A learner with a resident record gets it as a messaging nudge, dropped once it is no longer
needed (`reminder_needed` is the nudge's condition). A learner without one gets it from
`tasks.remind_learner_task`, which runs `send_learner_reminder`.
"""

import datetime

from django.db import transaction

from doorstep.core import formats
from doorstep.messaging import services as messaging

from .models import Match

NUDGE_CONDITION = "inclusion.first_meeting"


def nudge_condition(match_id: int) -> str:
    return f"{NUDGE_CONDITION}:{match_id}"


def reminder_key(match_id: int) -> str:
    return f"inclusion:match:{match_id}:reminder"


def when(moment: datetime.datetime) -> str:
    """Like "Tuesday 3 March at 2:30pm", in local time."""
    return formats.govuk_datetime(moment, "l j F")


def reminder_text(match: Match) -> str:
    return (
        f"Reminder: you meet your Digital Friend {match.friend.full_name.split(' ')[0]} "
        f"tomorrow, {when(match.first_meeting_at)}, {match.meeting_place}."
    )


def reminder_needed(match_id: str) -> bool:
    """The nudge condition: True (reminder no longer needed) once met, cancelled or gone."""
    match = Match.objects.filter(pk=match_id).first()
    if match is None or match.status != Match.Status.ACCEPTED:
        return False
    return not match.sessions.exists()


@transaction.atomic
def send_learner_reminder(*, match_id: int) -> bool:
    """For learners with no resident record: the reminder text, once, if still wanted."""
    match = Match.objects.select_related("help_request", "friend").filter(pk=match_id).first()
    if match is None or not reminder_needed(str(match_id)) or not match.first_meeting_at:
        return False
    help_request = match.help_request
    if not (help_request.phone and help_request.consents_to_text):
        return False
    messaging.send_system_text(
        number=help_request.phone,
        body=reminder_text(match),
        idempotency_key=reminder_key(match.pk),
    )
    return True
