import datetime

import pytest
from django.utils import timezone

from doorstep.core import service_events


@pytest.fixture(autouse=True)
def _texting(texting_any_time):
    """Survey questions by text go to the local outbox at any hour."""


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def add(name: str, day: datetime.date, *, hour: int = 12, **kwargs):
    return service_events.record(name=name, occurred_at=at(day, hour), **kwargs)


def started(day, service="evidence_request", **kwargs):
    return add("transaction.started", day, attributes={"service": service}, **kwargs)


def completed(day, channel, service="evidence_request", outcome="done", **kwargs):
    return add(
        "transaction.completed",
        day,
        channel=channel,
        attributes={"service": service, "outcome": outcome},
        **kwargs,
    )


def answered(day, answer, **kwargs):
    return add(
        "survey.answered",
        day,
        value=answer,
        channel="digital",
        attributes={"service": "evidence_request"},
        **kwargs,
    )
