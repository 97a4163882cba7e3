"""The satisfaction question: one invitation per transaction, answered once, on the web or by text.

A capability offers it on its confirmation page:

    from doorstep.reporting import survey
    invitation = survey.invite(service="evidence_request", source=request_obj, team=request_obj.team)
    # in the template:
    {% include "reporting/survey_question.html" with invitation=invitation %}

and, where the resident agreed to texts, `invite(..., resident=r, by_text=True)` texts
"Reply 1 to 5"; the reply is caught by `handle_text_reply`, registered with messaging.
"""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from doorstep.core import tokens
from doorstep.core.changes import record_change
from doorstep.core.models import Team
from doorstep.core.tokens import hash_token
from doorstep.messaging import services as messaging

from .models import SurveyInvitation
from .queries import find_invitation as find

__all__ = ["AlreadyAnswered", "Expired", "answer", "find", "handle_text_reply", "invite"]

ANSWERED_EVENT = "survey.answered"
LIFETIME = timedelta(days=30)
MAX_COMMENT = 1200
QUESTION = "Overall, how did you feel about the service you received today?"
TEXT_QUESTION = (
    "How did you feel about the service you got from us? Reply with one number: "
    "5 very satisfied, 4 satisfied, 3 neither, 2 dissatisfied, 1 very dissatisfied."
)
_TEXT_ANSWER = re.compile(r"\s*([1-5])\s*\.?\s*")


def _source_ref(source: models.Model) -> tuple[str, str]:
    return source._meta.label_lower, str(source.pk)


@transaction.atomic
def invite(
    *,
    service: str,
    source: models.Model,
    resident=None,
    team=None,
    by_text: bool = False,
) -> SurveyInvitation:
    """The invitation for this transaction, made the first time; its `token` is fresh.

    The raw token is only on the returned object (the table keeps its hash), so each call gives
    a new one; an earlier link stops working, while a text reply still counts.
    With by_text, the resident gets "Reply 1 to 5" once, if they can be texted.
    """
    object_type, object_id = _source_ref(source)
    token = tokens.new_token(24)
    team_id = getattr(team, "pk", team)
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                token_hash=hash_token(token),
                service=service,
                object_type=object_type,
                object_id=object_id,
                team_id=team_id,
                resident=resident,
                expires_at=timezone.now() + LIFETIME,
            )
    except IntegrityError:
        invitation = SurveyInvitation.objects.select_for_update().get(
            service=service, object_type=object_type, object_id=object_id
        )
        if not invitation.answered:
            invitation.token_hash = hash_token(token)
            invitation.save(update_fields=["token_hash"])
    invitation.token = token
    if by_text and resident is not None and invitation.is_open and not invitation.by_text:
        _send_text(invitation, resident)
    return invitation


def _send_text(invitation: SurveyInvitation, resident) -> None:
    try:
        messaging.send_message(
            resident=resident,
            actor=None,
            body=TEXT_QUESTION,
            kind="system",
            team=invitation.team_id and _team(invitation.team_id),
            idempotency_key=f"survey:{invitation.pk}",
        )
    except messaging.NotTextable:
        return  # the question stays on the confirmation page
    invitation.resident = resident
    invitation.by_text = True
    invitation.save(update_fields=["resident", "by_text"])


def _team(team_id: int):
    return Team.objects.filter(pk=team_id).first()


class AlreadyAnswered(Exception):
    pass


class Expired(Exception):
    pass


@transaction.atomic
def answer(
    *, invitation: SurveyInvitation, answer: int, comment: str = "", channel: str = "digital"
) -> SurveyInvitation:
    """Record the resident's answer once, with its survey.answered event. Raises ValidationError,
    AlreadyAnswered or Expired."""
    if answer not in {value for value, _label in SurveyInvitation.ANSWERS}:
        raise ValidationError({"answer": ["Choose how you felt about the service"]})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {"comment": [f"Your answer must be {MAX_COMMENT:,} characters or fewer"]}
        )
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.answered:
        raise AlreadyAnswered
    if invitation.expires_at <= timezone.now():
        raise Expired
    invitation.answered = True
    invitation.answered_at = timezone.now()
    invitation.answer = answer
    invitation.comment = comment
    invitation.save(update_fields=["answered", "answered_at", "answer", "comment"])
    record_change(
        actor="resident",
        action="create",
        object_type="survey_answer",
        object_id=invitation.pk,
        resident_id=invitation.resident_id,
        summary=f"Satisfaction answer for {invitation.service}",
        event={
            "name": ANSWERED_EVENT,
            "team": invitation.team_id,
            "channel": channel,
            "value": answer,
            "source": invitation,
            "attributes": {"service": invitation.service},
        },
    )
    return invitation


def handle_text_reply(*, message, resident) -> bool:
    """A reply of one digit 1 to 5 answers the resident's newest open text invitation."""
    match = _TEXT_ANSWER.fullmatch(message.body or "")
    if match is None:
        return False
    invitation = (
        SurveyInvitation.objects.filter(
            resident=resident, by_text=True, answered=False, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if invitation is None:
        return False
    try:
        answer(invitation=invitation, answer=int(match.group(1)), channel="sms")
    except (AlreadyAnswered, Expired):
        return False
    return True
