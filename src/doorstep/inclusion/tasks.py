"""Background work for digital inclusion: takes ids, runs one action, safe to run twice."""

from datetime import datetime

from django.db import transaction
from django_tasks import task

from . import reminders


def enqueue_reminder(match_id: int, run_after: datetime) -> None:
    transaction.on_commit(
        lambda: remind_learner_task.using(run_after=run_after).enqueue(match_id=match_id)
    )


@task()
def remind_learner_task(match_id: int) -> bool:
    # The text's idempotency key means a retried task never sends a second reminder.
    return reminders.send_learner_reminder(match_id=match_id)
