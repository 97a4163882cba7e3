"""Matching a help request to a Digital Friend: offered, then accepted, or declined; ended
once helping has finished."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import actors

from .. import queries
from ..models import DigitalFriend, HelpRequest, Match
from .arranging import tell_friend, tell_learner
from .rules import Errors, audit


def _audit_match(*, match: Match, **change) -> None:
    audit(object_type="match", obj=match, **change)


@transaction.atomic
def offer_match(*, actor, help_request: HelpRequest, friend: DigitalFriend, request=None) -> Match:
    """Offer the request to a Friend, who accepts (or the coordinator does for them)."""
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    friend = DigitalFriend.objects.select_for_update().get(pk=friend.pk)
    if help_request.status not in (HelpRequest.Status.WAITING, HelpRequest.Status.OFFERED):
        raise ValidationError({"friend": ["This request already has a Digital Friend"]})
    ranked = {r.candidate.id: r for r in queries.ranked_friends(help_request, limit=None)}
    if friend.pk not in ranked:
        raise ValidationError(
            {
                "friend": [
                    f"{friend.full_name} cannot be offered this request: they are paused, full, "
                    "or do not help with these topics"
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
        offered_by=actors.staff_or_none(actor),
    )
    help_request.status = HelpRequest.Status.OFFERED
    help_request.save(update_fields=["status"])
    _audit_match(
        actor=actor,
        match=match,
        resident_id=help_request.resident_id,
        action="create",
        detail=f"Offered to Digital Friend {friend.pk}",
        request=request,
    )
    return match


@dataclass
class Arranged:
    match: Match
    warnings: list[str] = field(default_factory=list)


def _clean_arrangement(
    match: Match, *, first_meeting_at: datetime.datetime | None, meeting_place: str
) -> str:
    """The meeting place, cleaned; ValidationError when the match or the meeting will not do."""
    errors = Errors()
    if match.status != Match.Status.OFFERED:
        errors.add("__all__", "This match is no longer waiting to be accepted")
    if first_meeting_at is None:
        errors.add("first_meeting_at", "Enter the date and time of the first meeting")
    elif first_meeting_at <= timezone.now():
        errors.add("first_meeting_at", "The first meeting must be in the future")
    meeting_place = errors.text(
        "meeting_place",
        meeting_place,
        required_message="Enter where they will meet, like Central Library or by phone",
        limit=200,
        what="The place",
    )
    errors.raise_any()
    return meeting_place


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
    match = (
        Match.objects.select_for_update().select_related("help_request", "friend").get(pk=match.pk)
    )
    meeting_place = _clean_arrangement(
        match, first_meeting_at=first_meeting_at, meeting_place=meeting_place
    )
    match.status = Match.Status.ACCEPTED
    match.accepted_at = timezone.now()
    match.accepted_by = actors.staff_or_none(actor)
    match.first_meeting_at = first_meeting_at
    match.meeting_place = meeting_place
    match.save()
    HelpRequest.objects.filter(pk=match.help_request_id).update(status=HelpRequest.Status.ARRANGED)
    _audit_match(
        actor=actor,
        match=match,
        resident_id=match.help_request.resident_id,
        fields=["status", "first_meeting_at", "meeting_place"],
        detail="Accepted",
        request=request,
    )
    warnings = tell_learner(actor=actor, match=match, request=request)
    return Arranged(match, warnings + tell_friend(match))


@dataclass(frozen=True)
class _Closing:
    """Declining an offer and ending a match are one step from different starting points."""

    expected: str
    to: str
    request_status: str
    refusal: str
    detail: str


DECLINING = _Closing(
    expected=Match.Status.OFFERED,
    to=Match.Status.DECLINED,
    request_status=HelpRequest.Status.WAITING,
    refusal="This match is no longer waiting to be accepted",
    detail="Declined",
)
ENDING = _Closing(
    expected=Match.Status.ACCEPTED,
    to=Match.Status.ENDED,
    request_status=HelpRequest.Status.CLOSED,
    refusal="Only a match that was accepted can be ended",
    detail="Ended",
)


def _close_match(closing: _Closing, *, actor, match: Match, request=None) -> Match:
    """Move a match on from `closing.expected` to `closing.to`, and its help request too."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != closing.expected:
        raise ValidationError({"__all__": [closing.refusal]})
    match.status = closing.to
    match.save(update_fields=["status"])
    HelpRequest.objects.filter(pk=match.help_request_id).update(status=closing.request_status)
    _audit_match(
        actor=actor, match=match, fields=["status"], detail=closing.detail, request=request
    )
    return match


@transaction.atomic
def decline_match(*, actor, match: Match, request=None) -> Match:
    """The Friend (or coordinator) turns the offer down: the request waits for another Friend."""
    return _close_match(DECLINING, actor=actor, match=match, request=request)


@transaction.atomic
def end_match(*, actor, match: Match, request=None) -> Match:
    """Helping has finished: the Friend's place is free again and the request is closed."""
    return _close_match(ENDING, actor=actor, match=match, request=request)
