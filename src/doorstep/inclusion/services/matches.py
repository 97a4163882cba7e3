"""Matching a help request to a Digital Friend: offered, accepted, declined, ended."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit

from ..models import (
    DigitalFriend,
    HelpRequest,
    Match,
)
from .rules import (
    NUDGE_CONDITION,
    _add,
    _is_staff,
    _raise,
    _text,
)


@transaction.atomic
def offer_match(*, actor, help_request: HelpRequest, friend: DigitalFriend, request=None) -> Match:
    """Offer the request to a Friend, who accepts (or the coordinator does for them)."""
    from .. import queries

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
            from ..tasks import enqueue_reminder

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
