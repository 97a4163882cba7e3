"""Reminder texts for a request: when they go, and queueing them.

Each reminder is a nudge with the condition "evidence.uploads_in:<request id>": messaging drops
it at send time once nothing is left for the resident to send (`queries.uploads_are_in`).
"""

import datetime
import re

from django.conf import settings
from django.utils import dateformat, timezone

from doorstep.messaging import services as messaging

from ..links import link_url
from ..models import EvidenceRequest

NUDGE_CONDITION = "evidence.uploads_in"

_SCHEDULE_ITEM = re.compile(r"^(request)\+(\d+)$|^(due)-(\d+)$")


def nudge_condition(request_id: int) -> str:
    return f"{NUDGE_CONDITION}:{request_id}"


def due_words(due_date: datetime.date) -> str:
    return dateformat.format(due_date, "l j F")


def reminder_times(evidence_request: EvidenceRequest) -> list[datetime.datetime]:
    """When reminders go, from EVIDENCE_REMINDER_SCHEDULE: future times before the link ends."""
    times = []
    for raw in (settings.EVIDENCE_REMINDER_SCHEDULE or "").split(","):
        item = raw.strip().replace(" ", "")
        if not item:
            continue
        match = _SCHEDULE_ITEM.match(item)
        if match is None:
            raise ValueError(
                f"EVIDENCE_REMINDER_SCHEDULE: {raw!r} is not like 'request+3' or 'due-2'"
            )
        if match.group(1):
            at = evidence_request.created_at + datetime.timedelta(days=int(match.group(2)))
        else:
            day = evidence_request.due_date - datetime.timedelta(days=int(match.group(4)))
            # 10am on the day: the time people said they read texts about documents.
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        if timezone.now() < at < evidence_request.link_expires_at:
            times.append(at)
    return sorted(set(times))


def schedule_reminders(*, evidence_request: EvidenceRequest, token: str, actor=None) -> int:
    """Queue the reminder texts; each is dropped at send time if the uploads are in."""
    scheduled = 0
    link = link_url(token)
    for number, at in enumerate(reminder_times(evidence_request), start=1):
        message = messaging.schedule_nudge(
            resident=evidence_request.resident,
            send_after=at,
            condition=nudge_condition(evidence_request.pk),
            body=(
                "Reminder: ((council)) still needs some documents from you by ((due date)). "
                "Send them here: ((link))"
            ),
            values={"due date": due_words(evidence_request.due_date)},
            secrets={"link": link},
            team=evidence_request.team,
            key=(
                f"evidence:{evidence_request.pk}:nudge:{number}:{evidence_request.token_hash[:16]}"
            ),
        )
        scheduled += message is not None
    return scheduled


def stop_reminders(evidence_request: EvidenceRequest) -> None:
    messaging.cancel_nudges(condition=nudge_condition(evidence_request.pk))
