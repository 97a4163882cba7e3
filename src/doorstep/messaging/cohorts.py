"""Texts to many residents at once: choose them by a filter, see who is left out, queue, pace.

Other apps add filters (e.g. "has an open evidence request") with `register_filter` in their
AppConfig.ready(), and reasons to leave residents out (e.g. "assessed as urgent: call instead")
with `register_exclusion`.
"""

import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from doorstep.cases.models import Case, CaseType
from doorstep.core import audit, service_events
from doorstep.core.models import Team
from doorstep.residents.models import Phone, Resident

from . import rules, services, sms
from .models import Cohort, Message, Suppression, Template


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


register_filter(
    "team",
    "Has a case with team",
    lambda qs, team: _with_case(qs, team_id=team),
    widget="select",
    choices=_team_choices,
)
register_filter(
    "case_type",
    "Has a case of type",
    lambda qs, kind: _with_case(qs, case_type_id=kind),
    widget="select",
    choices=_case_type_choices,
)
register_filter(
    "case_status",
    "Has a case with status",
    lambda qs, status: _with_case(qs, status=status),
    widget="select",
    choices=lambda: list(Case.Status.choices),
)
register_filter(
    "not_replied_days",
    "Has not replied in the last N days",
    _not_replied_in,
    widget="number",
    hint="Number of days, like 14. Residents we have never heard from count too",
)


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
            selection.excluded[services.NO_MOBILE] += 1
        elif not consents:
            selection.excluded[services.NO_CONSENT] += 1
        elif number in suppressed:
            selection.excluded[services.OPTED_OUT] += 1
        else:
            candidates.append(Recipient(pk, preferred or first, last, number))
    for reason, leave_out in _EXCLUSIONS.items():
        ids = leave_out([c.resident_id for c in candidates])
        if ids:
            selection.excluded[reason] += sum(1 for c in candidates if c.resident_id in ids)
            candidates = [c for c in candidates if c.resident_id not in ids]
    selection.recipients = candidates
    return selection


def _values(recipient: Recipient, actor) -> dict[str, str]:
    return services.placeholder_values(
        first_name=recipient.first_name,
        last_name=recipient.last_name,
        full_name=f"{recipient.first_name} {recipient.last_name}",
        actor=actor,
    )


def check_text(text: str) -> None:
    """Refuse a cohort text that uses placeholders we cannot fill for everyone."""
    sms.render(
        text,
        dict.fromkeys(services.STANDARD_PLACEHOLDERS, "x"),
        allowed=services.STANDARD_PLACEHOLDERS,
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
        sample = services.compose(
            text, _values(first, actor), allowed=services.STANDARD_PLACEHOLDERS
        )
        info = sms.measure(sample)
    return Preview(
        matched=selection.matched,
        will_get_it=len(selection.recipients),
        excluded=sorted(selection.excluded.items(), key=lambda item: -item[1]),
        sample=sample,
        info=info,
    )


@transaction.atomic
def create_cohort(
    *,
    name: str,
    criteria: dict,
    actor,
    body: str = "",
    template: Template | None = None,
    send_after: datetime | None = None,
    team=None,
    request=None,
) -> Cohort:
    """Record the cohort and queue its texts in the background."""
    text = template.body if template is not None else body
    if not text.strip():
        raise ValidationError("Enter the message", code="required")
    check_text(text)
    residents_matching(criteria)  # unknown filters are refused now, not in the background
    cohort = Cohort.objects.create(
        name=name.strip() or "Group text",
        template=template,
        body=text,
        criteria=criteria,
        send_after=send_after or timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        team=team or services.default_team(actor),
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="cohort",
        object_id=cohort.pk,
        detail=f"Group text {cohort.name!r}",
        request=request,
    )
    from .tasks import prepare_cohort_task

    transaction.on_commit(lambda: prepare_cohort_task.enqueue(cohort_id=cohort.pk))
    return cohort


def queue_cohort(*, cohort_id: int) -> int:
    """Write one message per recipient. Safe to re-run: each resident's message has a fixed key."""
    cohort = Cohort.objects.select_related("created_by").get(pk=cohort_id)
    if cohort.status != Cohort.Status.PREPARING:
        return 0
    actor = cohort.created_by
    selection = select_recipients(cohort.criteria)
    texted_before = set(
        Message.objects.filter(direction=Message.Direction.OUTBOUND)
        .exclude(status=Message.Status.CANCELLED)
        .values_list("number", flat=True)
        .distinct()
    )
    send_after = rules.next_send_time(max(cohort.send_after, timezone.now()))
    shared = {
        "direction": Message.Direction.OUTBOUND,
        "kind": Message.Kind.COHORT,
        "status": Message.Status.QUEUED,
        "template_id": cohort.template_id,
        "cohort_id": cohort.pk,
        "staff_id": actor.pk if actor else None,
        "team_id": cohort.team_id,
        "send_after": send_after,
        "created_at": timezone.now(),
    }
    rows = []
    for recipient in selection.recipients:
        body = services.compose(
            cohort.body,
            _values(recipient, actor),
            first_contact=recipient.number not in texted_before,
            allowed=services.STANDARD_PLACEHOLDERS,
        )
        info = sms.measure(body)
        rows.append(
            {
                "resident_id": recipient.resident_id,
                "number": recipient.number,
                "body": body,
                "fragments": info.fragments,
                "encoding": info.encoding,
                "idempotency_key": f"cohort:{cohort.pk}:{recipient.resident_id}",
            }
        )
    with transaction.atomic():
        insert_messages(shared, rows)
        queued = Message.objects.filter(cohort=cohort).count()
        Cohort.objects.filter(pk=cohort.pk).update(
            status=Cohort.Status.QUEUED,
            matched=selection.matched,
            queued=queued,
            excluded=dict(selection.excluded),
        )
        service_events.record(
            name="sms.cohort_queued",
            team=cohort.team_id,
            channel="sms",
            value=queued,
            source=cohort,
        )
        from .tasks import enqueue_dispatch

        transaction.on_commit(lambda: enqueue_dispatch(cohort.pk, send_after))
    return queued


def insert_messages(shared: dict, rows: list[dict]) -> None:
    """Write many queued messages fast; a message whose idempotency key exists is skipped.

    Django's bulk_create prepares every value of every row through the field API (and on
    SQLite inserts 30 rows a statement); this prepares the shared values once and hands the
    rows to the driver's executemany, ten times faster for a 100,000-resident group.
    """
    fields = {
        field.attname: field for field in Message._meta.concrete_fields if field.attname != "id"
    }
    defaults = {name: field.get_default() for name, field in fields.items() if name not in shared}
    columns = list(fields)
    prepared_shared = {
        name: fields[name].get_db_prep_save(value, connection)
        for name, value in {**defaults, **shared}.items()
    }
    varying = [name for name in columns if name in rows[0]] if rows else []
    reference = fields["reference"]
    table = connection.ops.quote_name(Message._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(fields[name].column) for name in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    # Table and column names come from the model, values go as parameters.
    sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders}) ON CONFLICT DO NOTHING"  # noqa: S608
    params = []
    for row in rows:
        values = {**prepared_shared, **{name: row[name] for name in varying}}
        values["reference"] = reference.get_db_prep_save(uuid.uuid4(), connection)
        params.append([values[name] for name in columns])
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


# A dispatch task hands over to a fresh one after this long, so no single job runs for hours.
DISPATCH_TIME_BUDGET = timedelta(minutes=4)


def dispatch_cohort(*, cohort_id: int, provider=None, budget: timedelta = DISPATCH_TIME_BUDGET):
    """Send the cohort's due texts one by one at the provider's pace.

    Returns when to run again (texts waiting for quiet hours to end, retries, or the time budget
    ran out), or None when nothing is left to send.
    """
    started = time.monotonic()
    last_id = 0
    while True:
        due = list(
            Message.objects.filter(
                cohort_id=cohort_id,
                status__in=[Message.Status.QUEUED, Message.Status.SENDING],
                send_after__lte=timezone.now(),
                pk__gt=last_id,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )
        if not due:
            break
        for message_id in due:
            services.deliver_message(message_id, provider=provider)
            last_id = message_id
            if time.monotonic() - started > budget.total_seconds():
                return timezone.now()
    waiting = (
        Message.objects.filter(
            cohort_id=cohort_id, status__in=[Message.Status.QUEUED, Message.Status.SENDING]
        )
        .order_by("send_after")
        .values_list("send_after", "status")
        .first()
    )
    if waiting is None:
        return None
    send_after, status = waiting
    if status == Message.Status.SENDING:
        return timezone.now() + services.send_lease()  # recover it once its lease runs out
    return max(send_after, timezone.now())


def progress(cohort: Cohort) -> dict[str, int]:
    """How many of the cohort's texts are in each status."""
    rows = Message.objects.filter(cohort=cohort).values_list("status").annotate(n=Count("id"))
    return dict(rows)
