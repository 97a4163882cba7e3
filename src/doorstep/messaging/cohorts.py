"""Texts to many residents at once: choose them by a filter, see who is left out, queue, pace.

Other apps add filters (e.g. "has an open evidence request") with `register_filter` in their
AppConfig.ready(), and reasons to leave residents out (e.g. "assessed as urgent: call instead")
with `register_exclusion`.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from doorstep.cases.models import Case, CaseType
from doorstep.core.models import Team
from doorstep.residents.models import Phone, Resident
from doorstep.vulnerability import queries as vulnerability

from . import composing, sms
from .models import Message, Suppression


@dataclass(frozen=True)
class CohortFilter:
    name: str
    label: str
    apply: Callable[[QuerySet, object], QuerySet]
    # How the group text form asks for the value: "text", "number" (a whole number of 1 or
    # more) or "select" (from `choices`, called when the form is built so new teams show).
    widget: str = "text"
    choices: Callable[[], list[tuple[str, str]]] | None = None
    hint: str = ""


_FILTERS: dict[str, CohortFilter] = {}
# reason shown to officers -> function(resident ids) -> the ids to leave out
_EXCLUSIONS: dict[str, Callable[[list[int]], set[int]]] = {}


def register_filter(
    name: str,
    label: str,
    apply: Callable[[QuerySet, object], QuerySet],
    *,
    widget: str = "text",
    choices: Callable[[], list[tuple[str, str]]] | None = None,
    hint: str = "",
) -> None:
    if widget == "select" and choices is None:
        raise ValueError(f"Filter {name!r} asks for a select but gives no choices")
    _FILTERS[name] = CohortFilter(name, label, apply, widget, choices, hint)


def register_exclusion(
    reason: str, residents_to_leave_out: Callable[[list[int]], set[int]]
) -> None:
    _EXCLUSIONS[reason] = residents_to_leave_out


def filters() -> list[CohortFilter]:
    return list(_FILTERS.values())


def _with_case(queryset: QuerySet, **case_lookup) -> QuerySet:
    # IN (subquery), not EXISTS: SQLite would otherwise rescan the team's cases per resident.
    return queryset.filter(pk__in=Case.objects.filter(**case_lookup).values("resident_id"))


def _not_replied_in(queryset: QuerySet, days) -> QuerySet:
    since = timezone.now() - timedelta(days=int(days))
    replies = Message.objects.filter(
        resident=OuterRef("pk"), direction=Message.Direction.INBOUND, received_at__gte=since
    )
    return queryset.exclude(Exists(replies))


def _team_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Team.objects.values_list("pk", "name")]


def _case_type_choices() -> list[tuple[str, str]]:
    return [
        (str(pk), name)
        for pk, name in CaseType.objects.filter(is_active=True).values_list("pk", "name")
    ]


def _case_status_choices() -> list[tuple[str, str]]:
    return list(Case.Status.choices)


# Filters on the residents' cases: (name, label, the case field, the choices offered).
for _name, _label, _field, _choices in (
    ("team", "Has a case with team", "team_id", _team_choices),
    ("case_type", "Has a case of type", "case_type_id", _case_type_choices),
    ("case_status", "Has a case with status", "status", _case_status_choices),
):
    register_filter(
        _name,
        _label,
        lambda qs, value, field=_field: _with_case(qs, **{field: value}),
        widget="select",
        choices=_choices,
    )
register_filter(
    "not_replied_days",
    "Has not replied in the last N days",
    _not_replied_in,
    widget="number",
    hint="Number of days, like 14. Residents we have never heard from count too",
)


def _urgent_residents(resident_ids: list[int]) -> set[int]:
    # Few residents are urgent: fetch them all rather than pass 100,000 ids to the database.
    urgent = set(vulnerability.residents_at_level("urgent").values_list("resident_id", flat=True))
    return urgent.intersection(resident_ids)


# Residents assessed as urgent need a person, not a group text.
register_exclusion("assessed as urgent: contact them directly", _urgent_residents)


def residents_matching(criteria: dict) -> QuerySet:
    queryset = Resident.objects.filter(merged_into=None)
    for name, value in criteria.items():
        if value in (None, "", []):
            continue
        if name not in _FILTERS:
            raise ValidationError(f"Unknown filter {name!r}")
        queryset = _FILTERS[name].apply(queryset, value)
    return queryset


@dataclass
class Recipient:
    resident_id: int
    first_name: str
    last_name: str
    number: str


@dataclass
class Selection:
    matched: int = 0
    recipients: list[Recipient] = field(default_factory=list)
    excluded: Counter = field(default_factory=Counter)


def select_recipients(criteria: dict) -> Selection:
    """Who a cohort text would reach, and who is left out and why, in a few queries."""
    mobile = Subquery(
        Phone.objects.filter(resident=OuterRef("pk"), is_mobile=True)
        .order_by("-is_primary", "id")
        .values("number")[:1]
    )
    rows = (
        residents_matching(criteria)
        .annotate(mobile=mobile)
        .order_by("pk")
        .values_list(
            "pk", "first_name", "preferred_name", "last_name", "consents_to_text", "mobile"
        )
    )
    suppressed = set(Suppression.objects.values_list("number", flat=True))
    selection = Selection()
    candidates = []
    for pk, first, preferred, last, consents, number in rows.iterator(chunk_size=5000):
        selection.matched += 1
        if not number:
            selection.excluded[composing.NO_MOBILE] += 1
        elif not consents:
            selection.excluded[composing.NO_CONSENT] += 1
        elif number in suppressed:
            selection.excluded[composing.OPTED_OUT] += 1
        else:
            candidates.append(Recipient(pk, preferred or first, last, number))
    for reason, leave_out in _EXCLUSIONS.items():
        ids = leave_out([c.resident_id for c in candidates])
        if ids:
            selection.excluded[reason] += sum(1 for c in candidates if c.resident_id in ids)
            candidates = [c for c in candidates if c.resident_id not in ids]
    selection.recipients = candidates
    return selection


def recipient_values(recipient: Recipient, actor) -> dict[str, str]:
    return composing.placeholder_values(
        first_name=recipient.first_name,
        last_name=recipient.last_name,
        full_name=f"{recipient.first_name} {recipient.last_name}",
        actor=actor,
    )


def check_text(text: str) -> None:
    """Refuse a cohort text that uses placeholders we cannot fill for everyone."""
    sms.render(
        text,
        dict.fromkeys(composing.STANDARD_PLACEHOLDERS, "x"),
        allowed=composing.STANDARD_PLACEHOLDERS,
    )


@dataclass
class Preview:
    matched: int
    will_get_it: int
    excluded: list[tuple[str, int]]
    sample: str
    info: sms.SmsInfo | None


def preview(*, criteria: dict, text: str, actor) -> Preview:
    check_text(text)
    selection = select_recipients(criteria)
    sample = ""
    info = None
    if selection.recipients:
        first = selection.recipients[0]
        sample = composing.compose(
            text, recipient_values(first, actor), allowed=composing.STANDARD_PLACEHOLDERS
        )
        info = sms.measure(sample, settings.SMS_PROVIDER)
    return Preview(
        matched=selection.matched,
        will_get_it=len(selection.recipients),
        excluded=sorted(selection.excluded.items(), key=lambda item: -item[1]),
        sample=sample,
        info=info,
    )
