"""Skills checks: the level placed by the rule, and what would help."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import actors, service_events
from doorstep.core.changes import Timeline, record_change
from doorstep.residents.models import Resident

from .. import scale, skills
from ..models import SkillsCheck
from .rules import CONFIDENCE_MESSAGE, Errors, lock_live_resident


def clean_routing(
    routing: dict, *, you: bool = False
) -> tuple[scale.RoutingAnswers, scale.Placement]:
    """`you` words the messages for someone answering for themselves (the public check)."""
    fields = scale.RoutingAnswers.__dataclass_fields__
    answers = scale.RoutingAnswers(**{name: routing.get(name) for name in fields})
    try:
        return answers, scale.place(answers)
    except scale.MissingAnswer as missing:
        message = scale.YOU_MESSAGES[missing.field] if you else missing.message
        raise ValidationError({missing.field: [message]}) from missing


@dataclass(frozen=True)
class _Answers:
    tasks: list[str]
    routing: scale.RoutingAnswers
    placement: scale.Placement


def _clean_check(*, tasks, routing, connection, confidence, source) -> _Answers:
    errors = Errors()
    # On their own the person reads "you"; with an officer or a Friend, "they".
    you = source == SkillsCheck.Source.SELF
    tasks = errors.choices("tasks", tasks, skills.ALL_TASKS, what="skills", required=False)
    if connection not in dict(skills.CONNECTION_CHOICES):
        errors.add("connection", f"Select how {'you' if you else 'they'} get online")
    if confidence is not None and confidence not in range(1, 6):
        errors.add("confidence", CONFIDENCE_MESSAGE[you])
    if source not in SkillsCheck.Source.values:
        errors.add("source", "Unknown source of the check")
    answers = placement = None
    try:
        answers, placement = clean_routing(routing, you=you)
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.raise_any()
    return _Answers(tasks, answers, placement)


def _previous_level(resident: Resident | None) -> int | None:
    if resident is None:
        return None
    return (
        SkillsCheck.objects.filter(resident=resident)
        .order_by("-checked_at", "-id")
        .values_list("level", flat=True)
        .first()
    )


def _count_check(*, actor, check: SkillsCheck, previous: int | None, request) -> None:
    """Audit, timeline and the figures: a check is a transaction started and done at once."""
    team = actors.first_team(actor)
    channel = "digital" if check.source == SkillsCheck.Source.SELF else "assisted_digital"
    service_events.transaction_started(
        service="skills_check", source=check, team=team, channel=channel
    )
    record_change(
        actor=actor,
        action="create",
        object_type="skills_check",
        object_id=check.pk,
        resident_id=check.resident_id,
        fields=["tasks", "routing", "level"],
        request=request,
        timeline_event=Timeline(
            kind="skills_check",
            summary=f"Digital skills check: level {check.level} ({check.level_label})",
            source=check,
            url=check.get_absolute_url(),
            occurred_at=check.checked_at,
        ),
        event={
            "name": "inclusion.skills_check",
            "value": check.level,
            "team": team,
            "channel": channel,
            "source": check,
            "occurred_at": check.checked_at,
            "attributes": {"previous_level": previous, "foundation": check.foundation},
        },
    )
    service_events.transaction_completed(
        service="skills_check", source=check, team=team, channel=channel
    )


@transaction.atomic
def record_skills_check(
    *,
    actor,
    resident: Resident | None,
    tasks: Iterable[str],
    routing: dict,
    has_device: bool,
    connection: str,
    enough_data: bool,
    confidence: int | None,
    source: str = SkillsCheck.Source.OFFICER,
    checked_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> SkillsCheck:
    """Score the check, place the level, store it with what would help. Raises ValidationError."""
    answers = _clean_check(
        tasks=tasks, routing=routing, connection=connection, confidence=confidence, source=source
    )
    if resident is not None:
        resident = lock_live_resident(resident)
    previous = _previous_level(resident)
    result = skills.score(answers.tasks)
    suggestions = skills.what_would_help(
        level=answers.placement.level,
        result=result,
        has_device=has_device,
        connection=connection,
        enough_data=enough_data,
    )
    check = SkillsCheck.objects.create(
        resident=resident,
        checked_at=checked_at or timezone.now(),
        checked_by=actors.staff_or_none(actor),
        checked_by_label=actors.label(actor, default="The resident") if actor is not None else "",
        source=source,
        tasks=answers.tasks,
        foundation=result.foundation,
        areas=result.areas,
        routing={k: v for k, v in answers.routing.__dict__.items() if v is not None},
        level=answers.placement.level,
        level_reason=answers.placement.reason,
        previous_level=previous,
        has_device=has_device,
        connection=connection,
        enough_data=enough_data,
        confidence=confidence,
        suggestions=[s.__dict__ for s in suggestions],
    )
    _count_check(actor=actor, check=check, previous=previous, request=request)
    return check
