"""Everything Doorstep writes under its data folder is private to its account whatever the
umask: the database (and its -wal and -shm), keys, the cache, audit checkpoints, stored
documents and uploads. Run in a fresh process with the common umask 022."""

import os
import subprocess  # noqa: S404 - a fresh interpreter with its own umask
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WRITE_EVERYTHING = """
import os
os.umask(0o022)
import django
django.setup()
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from doorstep.core import audit, sealing
from doorstep.evidence.storage import evidence_storage

call_command("migrate", verbosity=0)
cache.set("a-counter", 1)
with transaction.atomic():
    audit.record(actor=None, action="view", object_type="resident", object_id="1")
assert sealing.checkpoint_now(reason="test") is not None
evidence_storage().save("requests/1/letter.pdf", ContentFile(b"%PDF-1.4 a letter"))
default_storage.save("uploads/photo.jpg", ContentFile(b"a photo"))
call_command("backup", os.environ["BACKUP_TO"], verbosity=0)
"""


def _not_private(folder: Path, label: str) -> tuple[set[str], dict[str, str]]:
    """Every name under `folder` (static files aside: they are public), and those whose mode is
    not 0700 (folders) or 0600 (files)."""
    names, wrong = set(), {}
    for path in [folder, *folder.rglob("*")]:
        name = f"{label}/{path.relative_to(folder)}".rstrip("/.")
        if "static" in path.relative_to(folder).parts:
            continue
        names.add(name)
        mode = path.stat().st_mode & 0o777
        if mode != (0o700 if path.is_dir() else 0o600):
            wrong[name] = oct(mode)
    return names, wrong


def test_files_under_the_data_folder_are_private_whatever_the_umask(tmp_path):
    data_dir, backups = tmp_path / "data", tmp_path / "backups"
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "doorstep.settings",
        "DOORSTEP_DATA_DIR": str(data_dir),
        "BACKUP_TO": str(backups / "tonight"),
        "DEBUG": "1",  # keys are made in the data folder, as `make run` does
        "AUDIT_SEAL_GRACE_SECONDS": "0",
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", WRITE_EVERYTHING],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    names, wrong = _not_private(data_dir, "data")
    backup_names, backup_wrong = _not_private(backups / "tonight", "backup")
    for expected in [
        "doorstep.sqlite3",
        "secret_key",
        "audit_key",
        "evidence_key",
        "cache",
        "audit",
        "evidence",
        "media/uploads/photo.jpg",
    ]:
        assert f"data/{expected}" in names, sorted(names)
    assert len(backup_names) > 3, sorted(backup_names)
    assert wrong | backup_wrong == {}
