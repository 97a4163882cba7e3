import importlib

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from doorstep.core import roles

from .factories import PASSWORD, PhoneFactory, ResidentFactory, StaffFactory, TeamFactory

# Fixtures through which a test reaches the database (pytest-django's, and ours build on them).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database (the second pass, on PostgreSQL: a "
        "test that never touches the database gives the same result on any of them)",
    )


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if uses_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
    items[:] = kept


def pytest_configure(config):
    # Real hashing costs ~0.3 s a password; the tests check behaviour, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return TeamFactory(name="Housing Needs", slug="housing-needs")


@pytest.fixture
def officer(db, team):
    return StaffFactory(email="officer@council.example", roles=[roles.OFFICER], teams=[team])


@pytest.fixture
def team_leader(db, team):
    return StaffFactory(email="leader@council.example", roles=[roles.TEAM_LEADER], teams=[team])


@pytest.fixture
def administrator(db, team):
    return StaffFactory(email="admin@council.example", roles=[roles.ADMINISTRATOR], teams=[team])


@pytest.fixture
def digital_friend(db):
    return StaffFactory(email="friend@council.example", roles=[roles.DIGITAL_FRIEND])


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def admin_client_verified(client, administrator, settings):
    """An Administrator's browser, with two-factor sign-in not required for the test."""
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(administrator)
    return client


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def texting_any_time(settings):
    """Texts go to the local outbox at once, at any hour, with no pacing."""
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


@pytest.fixture(autouse=True)
def audit_files(settings, tmp_path):
    """The audit log is sealed with a fixed test key and checkpointed in this test's folder,
    so nothing is written under the repository's var/ folder."""
    settings.AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789abcdef"
    settings.AUDIT_KEY_FILE = tmp_path / "audit_key"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit"
    settings.AUDIT_CHECKPOINT_TO_STORE = False


# Data the migrations load, which a transactional test's flush (a browser test, a console test)
# may have emptied before this test.
MIGRATION_DATA = [
    ("doorstep.evidence.migrations.0004_document_types", "add_document_types"),
    ("doorstep.plans.migrations.0002_seed_templates", "seed"),
    ("doorstep.housing.migrations.0002_default_bands", "add_bands"),
]


@pytest.fixture
def migration_data(transactional_db):
    from django.apps import apps

    from doorstep.evidence.models import DocumentType

    if not DocumentType.objects.exists():
        for module, function in MIGRATION_DATA:
            getattr(importlib.import_module(module), function)(apps, None)
