"""Background work for texts. Each task takes ids, runs one action, and is safe to run twice.

The actions that queue work import these tasks; a task imports only the action it runs.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .cohort_sending import dispatch_cohort, queue_cohort
from .delivery import deliver_message
from .simulator import complete_delivery


def _enqueue(chosen_task, run_after: datetime | None, **arguments) -> None:
    if run_after is not None and run_after > timezone.now():
        chosen_task.using(run_after=run_after).enqueue(**arguments)
    else:
        chosen_task.enqueue(**arguments)


def enqueue_delivery(message_id: int, run_after: datetime | None = None) -> None:
    _enqueue(deliver_task, run_after, message_id=message_id)


@task()
def deliver_task(message_id: int) -> str:
    outcome = deliver_message(message_id)
    if outcome.retry_at is not None:
        enqueue_delivery(message_id, outcome.retry_at)
    return outcome.result


@task()
def prepare_cohort_task(cohort_id: int) -> None:
    queue_cohort(cohort_id=cohort_id, dispatch=enqueue_dispatch)


@task()
def dispatch_cohort_task(cohort_id: int) -> None:
    retry_at = dispatch_cohort(cohort_id=cohort_id)
    if retry_at is not None:
        enqueue_dispatch(cohort_id, retry_at)


def enqueue_dispatch(cohort_id: int, run_after: datetime | None = None) -> None:
    _enqueue(dispatch_cohort_task, run_after, cohort_id=cohort_id)


@task()
def outbox_deliver_task(provider_id: str) -> None:
    complete_delivery(provider_id)


def report_outbox_delivery(provider_id: str) -> None:
    """The local outbox accepted a text: the phone simulator reports its delivery a moment
    after the send commits, as a real network would."""
    delay = timedelta(seconds=settings.SMS_OUTBOX_DELIVERY_SECONDS)

    def enqueue():
        run_after = timezone.now() + delay if delay else None
        _enqueue(outbox_deliver_task, run_after, provider_id=provider_id)

    transaction.on_commit(enqueue)
