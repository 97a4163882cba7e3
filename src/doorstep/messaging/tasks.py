"""Background work for texts. Each task takes ids, calls services, and is safe to run twice."""

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from . import services


def enqueue_delivery(message_id: int, run_after: datetime | None = None) -> None:
    if run_after is not None and run_after > timezone.now():
        deliver_task.using(run_after=run_after).enqueue(message_id=message_id)
    else:
        deliver_task.enqueue(message_id=message_id)


@task()
def deliver_task(message_id: int) -> str:
    outcome = services.deliver_message(message_id)
    if outcome.retry_at is not None:
        enqueue_delivery(message_id, outcome.retry_at)
    return outcome.result


@task()
def prepare_cohort_task(cohort_id: int) -> None:
    from . import cohorts

    cohorts.queue_cohort(cohort_id=cohort_id)


@task()
def dispatch_cohort_task(cohort_id: int) -> None:
    from . import cohorts

    retry_at = cohorts.dispatch_cohort(cohort_id=cohort_id)
    if retry_at is not None:
        enqueue_dispatch(cohort_id, retry_at)


def enqueue_dispatch(cohort_id: int, run_after: datetime | None = None) -> None:
    if run_after is not None and run_after > timezone.now():
        dispatch_cohort_task.using(run_after=run_after).enqueue(cohort_id=cohort_id)
    else:
        dispatch_cohort_task.enqueue(cohort_id=cohort_id)


@task()
def outbox_deliver_task(provider_id: str) -> None:
    from .providers.outbox import complete_delivery

    complete_delivery(provider_id)
