"""What a person running the demo sees: seeding prints no e-mails and ends with the demo
accounts, and the console log leaves out routine messages from busy loggers."""

import logging
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

import doorstep

SETTINGS_FILE = Path(doorstep.__file__).parent / "settings.py"
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


# Transactional: the e-mails are sent when the seeding's transactions commit.
@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=CONSOLE_EMAIL)
def test_seeding_prints_no_emails_and_ends_with_the_demo_accounts(capfd, migration_data):
    call_command("seed_demo", residents=40, seed=3)
    out, err = capfd.readouterr()
    assert "Subject:" not in out + err
    assert "password-reset" not in out + err
    accounts = out.index("Demo accounts, all with the password")
    assert out.index("satisfaction answers") < accounts
    assert out.index("e-mails to demo staff and Digital Friends not sent") < accounts
    block = out[accounts:].strip().splitlines()
    assert block[-1].strip() == (
        "These accounts are for trying Doorstep only: never load demo data on a live system."
    )
    assert all(line.startswith("  ") for line in block[1:])


def _console() -> logging.Handler:
    return next(h for h in logging.getLogger().handlers if h.name == "console")


def shown(name: str, level: int, message: str, *args) -> bool:
    """Whether the console would print this message, as logging decides it."""
    logger = logging.getLogger(name)
    if not logger.isEnabledFor(level):
        return False
    record = logger.makeRecord(name, level, __file__, 1, message, args, None)
    if not logger.filter(record):
        return False
    console = _console()
    return record.levelno >= console.level and bool(console.filter(record))


@pytest.fixture
def worker_loggers():
    """The task worker turns its loggers to INFO whatever the settings say."""
    names = ("django_tasks", "django_tasks_db")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.INFO)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_console_leaves_out_routine_messages(worker_loggers):
    assert settings.LOG_LEVEL == "INFO"
    assert not shown("django_tasks", logging.INFO, "Task id=%s state=%s", 1, "RUNNING")
    assert not shown("django_tasks_db", logging.INFO, "Task id=%s state=%s", 1, "SUCCESSFUL")
    assert shown("django_tasks", logging.ERROR, "Task id=%s failed", 1)
    receipts = "doorstep.messaging.receipts"
    assert not shown(receipts, logging.INFO, "Ignored status %s for message %s, already %s",
                     "delivered", 3, "delivered")  # fmt: skip
    assert shown(receipts, logging.WARNING, "Status %s for unknown %s text %s", "sent", "x", "y")
    assert not shown("django.request", logging.WARNING, "Forbidden (Permission denied): /x/")
    assert shown("django.request", logging.ERROR, "Internal Server Error: /x/")
    assert shown("doorstep.messaging.sweep", logging.INFO, "Checked texts")
    assert not shown("axes", logging.INFO, "AXES: User login failed")


@pytest.mark.parametrize(
    ("level", "libraries", "requests"),
    [("DEBUG", "DEBUG", "DEBUG"), ("WARNING", "WARNING", "ERROR"), ("INFO", "WARNING", "ERROR")],
)
def test_log_level_is_respected(monkeypatch, level, libraries, requests):
    monkeypatch.setenv("LOG_LEVEL", level.lower())
    config = runpy.run_path(str(SETTINGS_FILE))["LOGGING"]
    assert config["root"]["level"] == level
    assert config["handlers"]["console"]["level"] == level
    assert config["loggers"]["django_tasks"]["level"] == libraries
    assert config["loggers"]["django.request"]["level"] == requests
