"""Several processes, each with several threads, write audit records while a sealer runs.

Runs on SQLite (a file copy of the test database, so other processes can reach it) and, in
the PostgreSQL pass, on the test database itself, where transactions really commit out of
order. Every record must end up sealed exactly once, in id order, in one unbroken chain.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from doorstep.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, THREADS, RECORDS = 3, 3, 15

WRITER = """
import sys, threading, time, django
django.setup()
from django.db import connection, transaction
from doorstep.core import audit

def write(thread):
    for number in range({records}):
        with transaction.atomic():
            audit.record(actor=None, action="view", object_type="resident",
                         object_id=f"{{sys.argv[1]}}-{{thread}}-{{number}}")
            if number % 4 == 0:
                time.sleep(0.05)  # commits after records written later
    connection.close()

threads = [threading.Thread(target=write, args=(t,)) for t in range({threads})]
for t in threads: t.start()
for t in threads: t.join()
"""

SEALER = """
import os, time, django
django.setup()
from doorstep.core import sealing
stop = os.environ["STOP_FILE"]
while not os.path.exists(stop):
    sealing.seal()
    time.sleep(0.02)
sealing.seal()
"""


def _database(tmp_path) -> tuple[str, Path | None]:
    if connection.vendor == "sqlite":
        copy = tmp_path / "audit.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}", copy
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    url = f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return url, None


def _rows(copy: Path | None) -> list[tuple[int, int | None]]:
    if copy is None:
        return list(AuditEvent.objects.order_by("id").values_list("id", "seal"))
    with sqlite3.connect(copy) as db:
        return db.execute("SELECT id, seal FROM core_auditevent ORDER BY id").fetchall()


def test_records_written_at_once_are_all_sealed_in_order(tmp_path, settings):
    url, copy = _database(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "doorstep.settings",
        "DATABASE_URL": url,
        "DOORSTEP_DATA_DIR": str(tmp_path / "data"),
        "AUDIT_KEY": settings.AUDIT_KEY,
        "AUDIT_CHECKPOINT_DIR": str(settings.AUDIT_CHECKPOINT_DIR),
        # Longer than any of these transactions stays open, so nothing is sealed past a gap.
        "AUDIT_SEAL_GRACE_SECONDS": "60",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "STOP_FILE": str(tmp_path / "stop"),
    }
    run = [sys.executable, "-c"]
    sealer = subprocess.Popen([*run, SEALER], cwd=ROOT, env=env)  # noqa: S603
    writers = [
        subprocess.Popen(  # noqa: S603
            [*run, WRITER.format(records=RECORDS, threads=THREADS), str(number)], cwd=ROOT, env=env
        )
        for number in range(PROCESSES)
    ]
    assert [writer.wait() for writer in writers] == [0] * PROCESSES
    (tmp_path / "stop").touch()
    assert sealer.wait() == 0

    rows = _rows(copy)
    assert len(rows) == PROCESSES * THREADS * RECORDS
    assert [seal for _, seal in rows] == list(range(1, len(rows) + 1))
    verify = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True
    )
    assert verify.returncode == 0, verify.stderr
    assert f"{len(rows)} records checked, matching the checkpoint" in verify.stdout.decode()
