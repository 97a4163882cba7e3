import pytest
from django_tasks_db.models import DBTaskResult

from ..factories import PhoneFactory, ResidentFactory


@pytest.fixture(autouse=True)
def _texting_any_time(settings):
    """Tests send at any hour; tests of quiet hours and inbox hours set their own."""
    settings.SMS_PROVIDER = "outbox"
    settings.SMS_QUIET_HOURS = ""
    settings.SMS_INBOX_HOURS = ""
    settings.SMS_OUTBOX_DELIVERY_SECONDS = 0
    settings.SMS_RATE_PER_MINUTE = None


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run queued background tasks (and the tasks they queue) as a worker would."""

    def run(limit: int = 10_000) -> int:
        ran = 0
        while ran < limit:
            with django_capture_on_commit_callbacks(execute=True):
                task_result = DBTaskResult.objects.ready().order_by("enqueued_at").first()
                if task_result is None:
                    return ran
                task_result.claim("test-worker")
                result = task_result.task_result
                task_result.task.call(*result.args, **result.kwargs)
                task_result.set_successful(None)
            ran += 1
        return ran

    return run


@pytest.fixture
def textable_resident(db):
    resident = ResidentFactory(first_name="Amina", consents_to_text=True)
    PhoneFactory(resident=resident, number="+447700900982", is_mobile=True, is_primary=True)
    return resident
