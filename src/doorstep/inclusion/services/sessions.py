"""Sessions a Digital Friend logs with a learner."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit, service_events, timeline

from .. import skills
from ..models import (
    HelpRequest,
    Match,
    Session,
)
from .rules import (
    CONFIDENCE_AFTER,
    CONFIDENCE_BEFORE,
    MAX_MINUTES,
    NUDGE_CONDITION,
    _add,
    _choices,
    _is_staff,
    _raise,
    _text,
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
