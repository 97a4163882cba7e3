"""Skills checks: the level placed by the rule, and what would help."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit, service_events, timeline
from doorstep.residents.models import Resident

from .. import scale, skills
from ..models import (
    SkillsCheck,
)
from .rules import (
    CONFIDENCE_MESSAGE,
    _actor_label,
    _add,
    _choices,
    _is_staff,
    _raise,
    _team_of,
)

# --- Skills checks ------------------------------------------------------------------------


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
    errors: dict = {}
    # On their own the person reads "you"; with an officer or a Friend, "they".
    you = source == SkillsCheck.Source.SELF
    who = "you" if you else "they"
    tasks = _choices(errors, "tasks", tasks, skills.ALL_TASKS, what="skills", required=False)
    if connection not in dict(skills.CONNECTION_CHOICES):
        _add(errors, "connection", f"Select how {who} get online")
    if confidence is not None and confidence not in range(1, 6):
        _add(errors, "confidence", CONFIDENCE_MESSAGE[you])
    if source not in SkillsCheck.Source.values:
        _add(errors, "source", "Unknown source of the check")
    try:
        answers, placement = clean_routing(routing, you=you)
    except ValidationError as error:
        errors.update(error.message_dict)
    _raise(errors)
    if resident is not None:
        resident = Resident.objects.select_for_update().get(pk=resident.pk)
        if resident.merged_into_id:
            raise ValidationError(
                {"resident": [f"This record was merged into record {resident.merged_into_id}"]}
            )
    previous = None
    if resident is not None:
        previous = (
            SkillsCheck.objects.filter(resident=resident)
            .order_by("-checked_at", "-id")
            .values_list("level", flat=True)
            .first()
        )
    result = skills.score(tasks)
    suggestions = skills.what_would_help(
        level=placement.level,
        result=result,
        has_device=has_device,
        connection=connection,
        enough_data=enough_data,
    )
    check = SkillsCheck.objects.create(
        resident=resident,
        checked_at=checked_at or timezone.now(),
        checked_by=actor if _is_staff(actor) else None,
        checked_by_label=_actor_label(actor) if actor is not None else "",
        source=source,
        tasks=tasks,
        foundation=result.foundation,
        areas=result.areas,
        routing={k: v for k, v in answers.__dict__.items() if v is not None},
        level=placement.level,
        level_reason=placement.reason,
        previous_level=previous,
        has_device=has_device,
        connection=connection,
        enough_data=enough_data,
        confidence=confidence,
        suggestions=[s.__dict__ for s in suggestions],
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="skills_check",
        object_id=check.pk,
        resident_id=resident.pk if resident else None,
        fields=["tasks", "routing", "level"],
        request=request,
    )
    if resident is not None:
        timeline.add_event(
            resident_id=resident.pk,
            kind="skills_check",
            actor=actor,
            occurred_at=check.checked_at,
            summary=f"Digital skills check: level {check.level} ({check.level_label})",
            source=check,
            url=check.get_absolute_url(),
        )
    team = _team_of(actor)
    channel = "digital" if source == SkillsCheck.Source.SELF else "assisted_digital"
    service_events.transaction_started(
        service="skills_check", source=check, team=team, channel=channel
    )
    service_events.record(
        name="inclusion.skills_check",
        value=check.level,
        team=team,
        channel=channel,
        source=check,
        occurred_at=check.checked_at,
        attributes={"previous_level": previous, "foundation": check.foundation},
    )
    service_events.transaction_completed(
        service="skills_check", source=check, team=team, channel=channel
    )
    return check
