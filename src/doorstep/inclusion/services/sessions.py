"""Sessions a Digital Friend logs with a learner."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import actors, service_events
from doorstep.core.changes import Timeline, record_change
from doorstep.messaging import services as messaging

from .. import reminders, skills
from ..models import HelpRequest, Match, Session
from .rules import CONFIDENCE_AFTER, CONFIDENCE_BEFORE, MAX_MINUTES, Errors


def _clean_session(
    match: Match,
    *,
    held_on,
    minutes,
    topics,
    confidence_before,
    confidence_after,
    can_now_do,
    next_step,
) -> dict:
    errors = Errors()
    if match.status != Match.Status.ACCEPTED:
        errors.add("__all__", "Sessions can only be logged once the match is accepted")
    if held_on is None:
        errors.add("held_on", "Enter the date of the session")
    else:
        errors.not_after_today(
            "held_on", held_on, message="The date of the session must be today or in the past"
        )
    errors.number(
        "minutes",
        minutes,
        most=MAX_MINUTES,
        message=f"Enter how long the session was in minutes, from 1 to {MAX_MINUTES}",
    )
    topics = errors.choices(
        "topics",
        topics,
        skills.TOPICS,
        what="topics",
        missing="Select at least one topic you covered",
    )
    errors.confidence(
        [
            ("confidence_before", confidence_before, CONFIDENCE_BEFORE),
            ("confidence_after", confidence_after, CONFIDENCE_AFTER),
        ]
    )
    cleaned = {
        "topics": topics,
        "can_now_do": errors.text("can_now_do", can_now_do, what="What they can now do"),
        "next_step": errors.text("next_step", next_step, what="The next step"),
    }
    errors.raise_any()
    return cleaned


def _count_session(*, actor, session: Session, learner_first: bool, request) -> None:
    """Audit, timeline and figures; a learner's first session completes their request."""
    match = session.match
    help_request = match.help_request
    occurred = timezone.make_aware(datetime.datetime.combine(session.held_on, datetime.time(12)))
    record_change(
        actor=actor,
        action="create",
        object_type="digital_session",
        object_id=session.pk,
        resident_id=help_request.resident_id,
        fields=["held_on", "minutes", "topics", "confidence_before", "confidence_after"],
        request=request,
        timeline_event=Timeline(
            kind="digital_help",
            summary=f"Session with a Digital Friend ({session.minutes} minutes)",
            body=session.can_now_do,
            source=session,
        ),
        event={
            "name": "inclusion.session",
            "value": session.minutes,
            "team": help_request.team_id,
            "channel": "assisted_digital",
            "source": session,
            "occurred_at": occurred,
            "attributes": {"friend": match.friend_id, "learner_first_session": learner_first},
        },
    )
    if learner_first:
        service_events.transaction_completed(
            service="help_request",
            source=help_request,
            team=help_request.team_id,
            channel="assisted_digital",
        )


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
    match = (
        Match.objects.select_for_update().select_related("help_request", "friend").get(pk=match.pk)
    )
    cleaned = _clean_session(
        match,
        held_on=held_on,
        minutes=minutes,
        topics=topics,
        confidence_before=confidence_before,
        confidence_after=confidence_after,
        can_now_do=can_now_do,
        next_step=next_step,
    )
    first = not match.sessions.exists()
    learner_first = (
        first and not Session.objects.filter(match__help_request=match.help_request).exists()
    )
    session = Session.objects.create(
        match=match,
        held_on=held_on,
        minutes=minutes,
        confidence_before=confidence_before,
        confidence_after=confidence_after,
        now_online=now_online,
        logged_by=actors.staff_or_none(actor),
        **cleaned,
    )
    if match.help_request.status != HelpRequest.Status.HELPING:
        HelpRequest.objects.filter(pk=match.help_request_id).update(
            status=HelpRequest.Status.HELPING
        )
    _count_session(actor=actor, session=session, learner_first=learner_first, request=request)
    if first:
        messaging.cancel_nudges(condition=reminders.nudge_condition(match.pk))
    return session
