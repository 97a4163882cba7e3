"""A group text of 1,000 with the worker killed part-way: everyone still gets exactly one text.

Runs the real background worker (`manage.py db_worker`) in its own process against PostgreSQL,
kills it with SIGKILL while it is sending, then lets the check-up sweep recover. SQLite's test
database lives in memory, out of reach of another process, so this runs in the PostgreSQL pass.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Count

from doorstep.cases.models import CaseType
from doorstep.core.models import Team
from doorstep.messaging import services
from doorstep.messaging.models import Message, OutboxEntry
from doorstep.messaging.sweep import sweep
from doorstep.residents.models import Phone, Resident

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="needs a database another process can reach (the PostgreSQL pass runs it)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
COHORT_SIZE = 1000


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _cohort_of(size: int, officer) -> int:
    team = Team.objects.create(name="Crash test", slug="crash-test")
    case_type = CaseType.objects.create(name="Crash", reference_prefix="CR")
    residents = Resident.objects.bulk_create(
        Resident(first_name=f"R{i}", last_name="Test", consents_to_text=True) for i in range(size)
    )
    Phone.objects.bulk_create(
        Phone(resident=r, number=f"+4477009{10000 + i:05d}", is_mobile=True, is_primary=True)
        for i, r in enumerate(residents)
    )
    from doorstep.cases.models import Case

    Case.objects.bulk_create(
        Case(resident=r, case_type=case_type, team=team, reference=f"CR-{i:06d}")
        for i, r in enumerate(residents)
    )
    cohort = services.create_cohort(
        name="Crash", criteria={"team": team.pk}, body="Hello ((first name))", actor=officer
    )
    return cohort.pk


def test_killed_worker_sends_nobody_a_second_text(officer, settings):
    settings.SMS_SEND_LEASE_SECONDS = 1
    settings.SMS_LOST_TASK_SECONDS = 0
    cohort_id = _cohort_of(COHORT_SIZE, officer)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SMS_PROVIDER": "outbox",
        "SMS_QUIET_HOURS": "",
        "SMS_RATE_PER_MINUTE": "12000",  # 200 a second: the kill lands mid-cohort
        "SMS_OUTBOX_DELIVERY_SECONDS": "0",
    }
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while OutboxEntry.objects.count() < COHORT_SIZE // 3:
            assert time.monotonic() < deadline, "the worker never started sending"
            assert worker.poll() is None, "the worker stopped on its own"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    sent_before_restart = OutboxEntry.objects.count()
    assert sent_before_restart < COHORT_SIZE, "the kill came too late to test anything"

    # The restart: the sweep finds the texts the dead worker left queued or mid-send.
    time.sleep(settings.SMS_SEND_LEASE_SECONDS)
    for _ in range(COHORT_SIZE // 100):
        sweep()
        if not Message.objects.filter(
            cohort_id=cohort_id, status__in=["queued", "sending"]
        ).exists():
            break

    per_number = OutboxEntry.objects.values("number").annotate(n=Count("id"))
    assert per_number.count() == COHORT_SIZE
    assert {row["n"] for row in per_number} == {1}
    assert not Message.objects.filter(
        cohort_id=cohort_id, status__in=["queued", "sending"]
    ).exists()
    assert Message.objects.filter(cohort_id=cohort_id).count() == COHORT_SIZE
