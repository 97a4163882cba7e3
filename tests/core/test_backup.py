"""The backup and restore drill: build data with documents, back up, wipe, restore, check.

Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL (pg_dump / pg_restore).
"""

import os
import shutil
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from doorstep.core import audit, backup, checkpoints, restore, sealing
from doorstep.core.models import AuditEvent
from doorstep.evidence.storage import evidence_storage

from ..evidence.review_support import submitted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(settings, tmp_path, monkeypatch):
    """Every file Doorstep keeps, in this test's folder; the evidence key in a key file, and
    the secret key in one too (an installation run with DEBUG on, without SECRET_KEY)."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    (settings.DATA_DIR / "secret_key").write_text("a-secret-key")
    settings.EVIDENCE_STORAGE = "local"
    settings.EVIDENCE_LOCAL_DIR = tmp_path / "evidence"
    settings.EVIDENCE_KEY_FILE = settings.DATA_DIR / "evidence_key"
    settings.EVIDENCE_ENCRYPTION_KEYS = []
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = settings.DATA_DIR / "audit_key"
    settings.AUDIT_KEY_FILE.write_text("the-audit-key-of-this-installation\n")
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    return tmp_path


def _build(officer):
    documents = [submitted(files=2), submitted(files=1, pdf=True), submitted(files=3)]
    for document in documents:
        audit.record(actor=officer, action="view", object_type="evidence", object_id=document.pk)
    sealing.seal(grace_seconds=0)
    return documents


def _wipe(settings):
    call_command("flush", interactive=False, verbosity=0)
    for folder in (settings.EVIDENCE_LOCAL_DIR, settings.AUDIT_CHECKPOINT_DIR):
        shutil.rmtree(folder, ignore_errors=True)
    settings.EVIDENCE_KEY_FILE.unlink()
    settings.AUDIT_KEY_FILE.unlink()
    (settings.DATA_DIR / "secret_key").unlink()


def test_the_full_drill_brings_everything_back(officer, places, settings, capsys):
    _build(officer)
    stored = backup.stored_names(evidence_storage().inner)
    with connection.cursor() as cursor:
        before = backup.table_counts(cursor)
    previous_umask = os.umask(0o022)
    try:
        call_command("backup", str(places / "backup"))
    finally:
        os.umask(previous_umask)
    for path in (places / "backup").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path

    with pytest.raises(SystemExit):  # the database still has its records
        call_command("restore", str(places / "backup"))
    _wipe(settings)
    assert AuditEvent.objects.count() == 0

    call_command("restore", str(places / "backup"))
    assert stat.S_IMODE(settings.EVIDENCE_KEY_FILE.stat().st_mode) == 0o600
    assert (settings.DATA_DIR / "secret_key").read_text() == "a-secret-key"
    result = restore.check_restore(places / "backup")
    assert result.documents_before == len([name for name in stored if name.endswith(".enc")]) > 0
    assert result.documents_readable == result.documents_before
    assert result.counts == before
    assert result.chain.ok and result.chain.checked == 3
    assert result.ok
    capsys.readouterr()
    call_command("check_restore", str(places / "backup"))
    total = result.documents_before
    assert f"Documents restored: {total} / {total}" in capsys.readouterr().out


def test_restore_refuses_to_leave_documents_without_their_key(officer, places, settings):
    _build(officer)
    call_command("backup", str(places / "backup"), "--without-keys")
    _wipe(settings)
    with pytest.raises(backup.BackupError, match="no evidence key"):
        restore.restore(places / "backup")
    settings.EVIDENCE_ENCRYPTION_KEYS = ["7ZyUy4zCaFxUYJJEp8F2oi6Et5s6BJQlGox9jTsdjtw="]
    with pytest.raises(backup.BackupError, match="cannot be decrypted"):
        restore.restore(places / "backup")
    assert AuditEvent.objects.count() == 0  # nothing was changed


def test_documents_without_their_key_stop_the_app_rather_than_get_a_new_key(
    officer, places, settings
):
    submitted(files=1)
    settings.EVIDENCE_KEY_FILE.unlink()
    settings.EVIDENCE_KEY_FILE = settings.DATA_DIR / "lost_evidence_key"
    with pytest.raises(ImproperlyConfigured, match="key file .* is missing"):
        evidence_storage()
    assert not settings.EVIDENCE_KEY_FILE.exists()
    from doorstep.evidence.checks import evidence_key_present

    assert [error.id for error in evidence_key_present()] == ["doorstep.E001"]


def test_check_restore_reports_a_lost_document_and_a_count_difference(officer, places, settings):
    _build(officer)
    manifest = backup.backup(places / "backup")
    lost = manifest["documents"][0]
    (settings.EVIDENCE_LOCAL_DIR / lost).unlink()
    audit.record(actor=officer, action="view", object_type="resident")
    result = restore.check_restore(places / "backup")
    assert not result.ok
    assert result.unreadable == [lost]
    assert result.count_differences["core_auditevent"] == (3, 4)
    assert checkpoints.folder().exists()
