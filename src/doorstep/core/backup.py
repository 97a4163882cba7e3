"""`manage.py backup DEST`: everything needed to bring Doorstep back, in one private folder.

DEST/manifest.json      what is in the backup: record counts per table, the stored documents,
                        the audit checkpoint; written last, so a backup without it is incomplete
DEST/database.sqlite3   SQLite's online backup (safe while Doorstep runs), or
DEST/database.dump      PostgreSQL's `pg_dump -Fc`, taken from the same snapshot as the counts
DEST/store/             the evidence store (local folder or S3 bucket), still encrypted
DEST/media/             MEDIA_ROOT
DEST/audit/             the audit checkpoints (copied before the database, so never newer)
DEST/keys/              secret_key, evidence_keys and audit_key: without them nothing can be
                        read or verified (leave out with keys=False and keep them elsewhere)

Every file is 0600 and every folder 0700, whatever the umask.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump / pg_restore with fixed arguments
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import checkpoints, file_stores, keyfiles, sealing

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"


class BackupError(Exception):
    """The backup or restore could not be done safely; nothing was left half-done silently."""


def project_tables() -> list[str]:
    """Every table of Doorstep and the Django apps it uses, as the database has them."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def table_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in project_tables():
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def own_tables() -> list[str]:
    """The tables of Doorstep's own apps (a fresh, migrated database has none with rows)."""
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("doorstep.") and model._meta.managed
    ]


def stored_names(store, path: str = "") -> list[str]:
    try:
        folders, files = store.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{name}" if path else name for name in files]
    for name in folders:
        names += stored_names(store, f"{path}/{name}" if path else name)
    return sorted(names)


def is_document(name: str) -> bool:
    return name.endswith(".enc")


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"{name} is not installed (it comes with the PostgreSQL client).")


def pg_arguments() -> tuple[list[str], dict]:
    db = connection.settings_dict
    arguments = ["--dbname", db["NAME"], "--username", db["USER"] or "postgres"]
    if db["HOST"]:
        arguments += ["--host", db["HOST"]]
    if db["PORT"]:
        arguments += ["--port", str(db["PORT"])]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return arguments, env


def _backup_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        return table_counts(copy.cursor())


def _backup_postgresql(target: Path) -> dict[str, int]:
    arguments, env = pg_arguments()
    with transaction.atomic(), connection.cursor() as cursor:
        # The counts and the dump come from one snapshot, so they agree however busy we are.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = table_counts(cursor)
        subprocess.run(  # noqa: S603
            [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--file", str(target)]
            + arguments,
            check=True,
            env=env,
        )
    return counts


def _copy_store(target: Path) -> list[str]:
    store = file_stores.document_store().inner()
    names = stored_names(store)
    for name in names:
        with store.open(name, "rb") as handle:
            keyfiles.write_private(target / name, handle.read())
    return names


def _copy_keys(target: Path) -> list[str]:
    keyfiles.private_folder(target)
    secret_file = Path(settings.DATA_DIR) / "secret_key"
    written = []
    if not os.environ.get("SECRET_KEY") and secret_file.exists():
        keyfiles.write_private(target / "secret_key", secret_file.read_bytes())
        written.append("secret_key")
    evidence = b"\n".join(file_stores.document_store().keys()) + b"\n"
    keyfiles.write_private(target / "evidence_keys", evidence)
    keyfiles.write_private(target / "audit_key", checkpoints.audit_key() + b"\n")
    return [*written, "evidence_keys", "audit_key"]


def _copy_checkpoints(target: Path) -> checkpoints.Checkpoint | None:
    checkpoint = sealing.checkpoint_now("backup")
    keyfiles.private_folder(target)
    for name in (checkpoints.HEAD_FILE, checkpoints.LOG_FILE):
        source = checkpoints.folder() / name
        if source.exists():
            keyfiles.write_private(target / name, source.read_bytes())
    return checkpoint


def backup(destination: Path, *, keys: bool = True) -> dict:
    """Back everything up into `destination` (a new or empty folder); returns the manifest."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: back up into a new folder.")
    with keyfiles.private_umask():
        keyfiles.private_folder(destination)
        checkpoint = _copy_checkpoints(destination / "audit")
        sqlite = connection.vendor == "sqlite"
        database = destination / (SQLITE_FILE if sqlite else PG_FILE)
        counts = _backup_sqlite(database) if sqlite else _backup_postgresql(database)
        names = _copy_store(destination / "store")
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            shutil.copytree(media, destination / "media")
        manifest = {
            "format": 1,
            "created": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database": database.name,
            "tables": counts,
            "documents": [name for name in names if is_document(name)],
            "store_files": names,
            "audit": {"count": checkpoint.count, "head": checkpoint.head} if checkpoint else None,
            "keys": _copy_keys(destination / "keys") if keys else [],
        }
        keyfiles.write_private(destination / MANIFEST, json.dumps(manifest, indent=1).encode())
        keyfiles.make_private(destination)
    return manifest
