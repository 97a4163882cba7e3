"""Uploads being checked when the worker is killed: each file is processed on retry, once.

Runs the real background worker (`manage.py db_worker`) in its own process against PostgreSQL,
kills it with SIGKILL while a file is half-way through, then lets the uploads sweep queue the
lost work again for a new worker. SQLite's test database lives in memory, out of reach of
another process, so this runs in the PostgreSQL pass.
"""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from doorstep.core.models import AuditEvent
from doorstep.evidence import services
from doorstep.evidence.models import DocumentType, UploadedFile
from doorstep.evidence.processing import sanitised_name
from doorstep.evidence.tasks import requeue_stuck_uploads

from . import requests_support as support
from .requests_support import ask

amina = support.amina  # a shared fixture (see requests_support.py)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("texting_any_time"),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="needs a database another process can reach (the PostgreSQL pass runs it)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
FILES = 24


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _photo(number: int) -> bytes:
    # Big enough that sanitising takes a moment, so the kill can land inside it.
    picture = Image.new("RGB", (2400, 1800), (number * 10 % 255, 120, 200))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _worker(settings) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EVIDENCE_STORAGE": "local",
        "EVIDENCE_LOCAL_DIR": str(settings.EVIDENCE_LOCAL_DIR),
        "EVIDENCE_ENCRYPTION_KEYS": ",".join(settings.EVIDENCE_ENCRYPTION_KEYS),
        "SMS_PROVIDER": "outbox",
        "SMS_QUIET_HOURS": "",
    }
    return subprocess.Popen(  # noqa: S603 - this interpreter, our arguments
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, worker, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        assert worker.poll() is None, "the worker stopped on its own"
        time.sleep(0.01)


def test_a_killed_worker_leaves_no_file_unchecked_or_checked_twice(officer, amina, settings):
    payslips = DocumentType.objects.create(
        name="Payslips (crash)", guidance="Every page", max_files=FILES
    )
    sent = ask(officer, amina, payslips)
    document = sent.evidence_request.items.get()
    for number in range(FILES):
        services.upload_file(document=document, filename=f"page-{number}.jpg", data=_photo(number))

    first = _worker(settings)
    try:
        # Kill it while a file is half-way: its attempt is counted but its outcome not written.
        _wait(
            lambda: (
                UploadedFile.objects.exclude(status="received").exists()
                and UploadedFile.objects.filter(status="received", processing_attempts=1).exists()
            ),
            first,
            "a file to be half-way through",
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    done_before = UploadedFile.objects.exclude(status="received").count()
    assert done_before < FILES, "the kill came too late to test anything"

    # The restart: the sweep queues again whatever the dead worker left unchecked.
    later = timezone.now() + datetime.timedelta(hours=1)
    assert requeue_stuck_uploads(now=later) == FILES - done_before
    second = _worker(settings)
    try:
        _wait(
            lambda: not UploadedFile.objects.filter(status="received").exists(),
            second,
            "every file to be checked",
        )
    finally:
        second.terminate()
        second.wait(timeout=30)

    files = list(UploadedFile.objects.all())
    assert {f.status for f in files} == {"ready"}
    assert {f.sanitised_path for f in files} == {sanitised_name(f.pk) for f in files}
    # Exactly once: one recorded outcome a file, and one safe copy a file on disk.
    for uploaded in files:
        outcomes = AuditEvent.objects.filter(
            action="process", object_type="uploaded_file", object_id=str(uploaded.pk)
        )
        assert outcomes.count() == 1, uploaded.original_name
    stored = list((Path(settings.EVIDENCE_LOCAL_DIR) / "sanitised").iterdir())
    assert len(stored) == FILES
    # The file the kill interrupted was started twice and finished once.
    assert any(f.processing_attempts == 2 for f in files)
