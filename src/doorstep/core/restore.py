"""`manage.py restore SRC` and `manage.py check_restore SRC`: bring a backup back, and prove it.

Restore refuses, before changing anything, a database that already holds Doorstep's records
(unless forced) and a backup whose documents no available key can decrypt: documents without
their key are lost, so it never leaves them that way. It puts back the database, the evidence
store, MEDIA_ROOT, the key files and the audit checkpoints (moving the ones found aside).
"""

import contextlib
import json
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_restore with fixed arguments
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from . import audit, checkpoints, file_stores, keyfiles
from .backup import (
    MANIFEST,
    BackupError,
    own_tables,
    pg_arguments,
    pg_tool,
    table_counts,
)


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} has no {MANIFEST}: not a complete Doorstep backup.")
    return json.loads(path.read_text())


def _key_lines(path: Path) -> list[bytes]:
    if not path.exists():
        return []
    return [line.strip().encode() for line in path.read_text().splitlines() if line.strip()]


def _keys_after_restore(keys_dir: Path) -> list[bytes]:
    configured = [key for key in settings.EVIDENCE_ENCRYPTION_KEYS if key]
    return [key.encode() for key in configured] or _key_lines(keys_dir / "evidence_keys")


def _check_documents_readable(source: Path, manifest: dict, keys: list[bytes]) -> None:
    if not manifest["documents"]:
        return
    if not keys:
        raise BackupError(
            "The backup holds documents but no evidence key (keys/evidence_keys) and "
            "EVIDENCE_ENCRYPTION_KEYS is empty: restoring would leave every document unreadable. "
            "Give the key folder with --keys."
        )
    fernet = MultiFernet([Fernet(key) for key in keys])
    for name in manifest["documents"]:
        try:
            fernet.decrypt((source / "store" / name).read_bytes())
        except (InvalidToken, FileNotFoundError) as error:
            raise BackupError(
                f"Document {name} in the backup cannot be decrypted with the evidence key(s) "
                "that would be in use: restoring would leave it unreadable."
            ) from error


def database_has_records() -> bool:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in own_tables():
            if table in existing:
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def _restore_database(source: Path, manifest: dict) -> None:
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; this is {connection.vendor}."
        )
    backup_file = source / manifest["database"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(backup_file)) as copy:
            copy.backup(connection.connection)
        name = Path(str(connection.settings_dict["NAME"]))
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            if path.is_file():
                path.chmod(keyfiles.FILE_MODE)
        return
    arguments, env = pg_arguments()
    connection.close()
    command = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
    ]
    subprocess.run([*command, *arguments, str(backup_file)], check=True, env=env)  # noqa: S603


def _restore_store(source: Path, manifest: dict) -> None:
    store = file_stores.document_store().inner()
    for name in manifest["store_files"]:
        if store.exists(name):
            store.delete(name)
        saved = store.save(name, ContentFile((source / "store" / name).read_bytes()))
        if saved != name:
            raise BackupError(f"{name} was stored as {saved}.")


def _restore_keys(keys_dir: Path) -> None:
    secret = keys_dir / "secret_key"
    if secret.exists():
        keyfiles.write_private(Path(settings.DATA_DIR) / "secret_key", secret.read_bytes())
    if not settings.EVIDENCE_ENCRYPTION_KEYS and (keys_dir / "evidence_keys").exists():
        keyfiles.write_private(
            Path(settings.EVIDENCE_KEY_FILE), (keys_dir / "evidence_keys").read_bytes()
        )
    if not settings.AUDIT_KEY and (keys_dir / "audit_key").exists():
        keyfiles.write_private(Path(settings.AUDIT_KEY_FILE), (keys_dir / "audit_key").read_bytes())


def _restore_checkpoints(source: Path) -> None:
    target = checkpoints.folder()
    if target.exists() and any(target.iterdir()):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        target.rename(target.with_name(f"{target.name}.before-restore-{stamp}"))
    keyfiles.private_folder(target)
    for path in (source / "audit").glob("*"):
        keyfiles.write_private(target / path.name, path.read_bytes())


def restore(source: Path, *, force: bool = False, keys_dir: Path | None = None) -> dict:
    """Put a backup back; checks everything it can before it changes anything."""
    source = Path(source)
    manifest = read_manifest(source)
    keys_dir = Path(keys_dir) if keys_dir else source / "keys"
    _check_documents_readable(source, manifest, _keys_after_restore(keys_dir))
    if not force and database_has_records():
        raise BackupError(
            "The database already holds Doorstep records: restore into an empty database, or "
            "give --force to replace them."
        )
    with keyfiles.private_umask():
        _restore_database(source, manifest)
        _restore_keys(keys_dir)
        _restore_store(source, manifest)
        if (source / "media").is_dir():
            shutil.copytree(source / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
        _restore_checkpoints(source)
    return manifest


@dataclass
class RestoreCheck:
    documents_before: int
    documents_readable: int = 0
    unreadable: list[str] = field(default_factory=list)
    count_differences: dict[str, tuple[int, int]] = field(default_factory=dict)
    chain: audit.ChainReport | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            not self.unreadable
            and not self.count_differences
            and self.documents_readable == self.documents_before
            and self.chain is not None
            and self.chain.ok
        )


def check_restore(source: Path) -> RestoreCheck:
    """Counts per table as in the manifest, the audit chain against its checkpoint, and every
    stored document decrypting with the keys now in use."""
    manifest = read_manifest(source)
    result = RestoreCheck(documents_before=len(manifest["documents"]))
    with connection.cursor() as cursor:
        result.counts = table_counts(cursor)
    for table, expected in manifest["tables"].items():
        found = result.counts.get(table, 0)
        if found != expected:
            result.count_differences[table] = (expected, found)
    read_with_current_keys = file_stores.document_store().read_with_current_keys
    for name in manifest["documents"]:
        try:
            read_with_current_keys(name)
            result.documents_readable += 1
        except Exception:  # noqa: BLE001 - any failure to read is what we report
            result.unreadable.append(name)
    result.chain = audit.verify_chain(seal_first=False)
    anchored = manifest.get("audit") or {}
    if result.chain.ok and result.chain.checked < anchored.get("count", 0):
        result.chain.broken_at = audit.TAIL_REMOVED
        result.chain.reason = "fewer sealed records than the backup's checkpoint"
    return result
