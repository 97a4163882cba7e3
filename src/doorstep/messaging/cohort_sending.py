"""Sending a group text in the background: one queued text per recipient, written fast, then
sent at the provider's pace. Both steps are safe to repeat."""

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from doorstep.core import service_events

from . import rules, sms
from .cohorts import recipient_values, select_recipients
from .composing import STANDARD_PLACEHOLDERS, compose, numbers_texted_before
from .delivery import deliver_message, send_lease
from .models import Cohort, Message


def queue_cohort(*, cohort_id: int, dispatch: Callable[[int, datetime], None] | None = None) -> int:
    """Write one message per recipient. Safe to re-run: each resident's message has a fixed key.

    `dispatch(cohort_id, send_after)` is called once the texts are committed: the background
    task passes the one that starts sending them.
    """
    cohort = Cohort.objects.select_related("created_by").get(pk=cohort_id)
    if cohort.status != Cohort.Status.PREPARING:
        return 0
    actor = cohort.created_by
    selection = select_recipients(cohort.criteria)
    texted_before = numbers_texted_before(r.number for r in selection.recipients)
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
        body = compose(
            cohort.body,
            recipient_values(recipient, actor),
            first_contact=recipient.number not in texted_before,
            allowed=STANDARD_PLACEHOLDERS,
        )
        info = sms.measure(body, settings.SMS_PROVIDER)
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
        if dispatch is not None:
            transaction.on_commit(lambda: dispatch(cohort.pk, send_after))
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
            deliver_message(message_id, provider=provider)
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
        return timezone.now() + send_lease()  # recover it once its lease runs out
    return max(send_after, timezone.now())
