#!/usr/bin/env python
"""Backup drill: build data with documents, back up, wipe, restore, check; SQLite and PostgreSQL.

    .venv/bin/python bench/backup_drill.py [--documents 10] [--sqlite-only]

For each database it makes a fresh installation in a temporary folder (PostgreSQL: a throwaway
server from doorstep.core.localpg), adds residents' documents (encrypted files) and audit
records, runs `manage.py backup`, wipes the database, the evidence store, the checkpoints and
every key file, runs `manage.py restore` and `manage.py check_restore`, and prints
"documents restored / documents before" with the record counts before and after.
Exits with 1 if anything did not come back.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def drill(documents: int) -> int:
    """In a child process whose environment names the database and data folder."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from doorstep.core import audit, backup, restore, sealing
    from tests.evidence.review_support import submitted
    from tests.factories import StaffFactory

    call_command("migrate", verbosity=0)
    officer = StaffFactory()
    for _ in range(documents):
        document = submitted(files=2)
        audit.record(actor=officer, action="view", object_type="evidence", object_id=document.pk)
    sealing.seal(grace_seconds=0)
    with connection.cursor() as cursor:
        before = backup.table_counts(cursor)
    target = Path(settings.DATA_DIR).parent / "backup"
    call_command("backup", str(target))

    # The disaster: the database, the documents, the checkpoints and every key are gone.
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings.DATABASES['default']['NAME']}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    shutil.rmtree(settings.EVIDENCE_LOCAL_DIR)
    shutil.rmtree(settings.AUDIT_CHECKPOINT_DIR)
    for key in ("secret_key", "evidence_key", "audit_key"):
        (Path(settings.DATA_DIR) / key).unlink()

    call_command("restore", str(target))
    result = restore.check_restore(target)
    print(f"{connection.vendor}:")
    print(
        f"  documents restored / documents before: {result.documents_readable} / "
        f"{result.documents_before}"
    )
    print(
        f"  records before: {sum(before.values())} in {len(before)} tables; after: "
        f"{sum(result.counts.values())} in {len(result.counts)} tables"
    )
    for table in sorted(before):
        if before[table] or result.counts.get(table):
            print(f"    {table:40} {before[table]:6} {result.counts.get(table, 0):6}")
    print(f"  audit: {result.chain.checked} records, {'intact' if result.chain.ok else 'BROKEN'}")
    print(f"  restore {'complete' if result.ok else 'INCOMPLETE'}")
    return 0 if result.ok else 1


def run_child(database_url: str | None, documents: int) -> int:
    folder = Path(tempfile.mkdtemp(prefix="doorstep-drill-"))
    try:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "doorstep.settings",
            "DOORSTEP_DATA_DIR": str(folder / "data"),
            "DEBUG": "1",  # the installation makes its own keys, as `make run` does
            "CLAMD_SOCKET": "",
            "CLAMD_HOST": "",
        }
        for name in ("SECRET_KEY", "AUDIT_KEY", "EVIDENCE_ENCRYPTION_KEYS", "EVIDENCE_STORAGE"):
            env.pop(name, None)
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        command = [sys.executable, __file__, "--child", "--documents", str(documents)]
        return subprocess.call(command, env=env, cwd=ROOT)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return drill(options.documents)
    failures = run_child(None, options.documents)
    if not options.sqlite_only:
        from doorstep.core.localpg import running_server

        with running_server("drill") as url:
            failures += run_child(url, options.documents)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
