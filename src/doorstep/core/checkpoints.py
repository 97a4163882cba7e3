"""The audit key and the signed checkpoints that anchor the audit chain outside the database.

A checkpoint says "the chain had `count` sealed records, the newest record `last_id` with HMAC
`head`, at `at`", signed with an HMAC under the audit key. They are kept where the database
administrator cannot rewrite them: files in AUDIT_CHECKPOINT_DIR (the service's own account
owns them, mode 0600), and, with AUDIT_CHECKPOINT_TO_STORE, objects in the evidence store too:

- `head.json`: the newest checkpoint, replaced (atomically) after every sealing run;
- `checkpoints.jsonl`: an append-only log, one line at least every AUDIT_CHECKPOINT_HOURS and
  on demand (`manage.py audit_checkpoint`). Lines are never rewritten.

`verify_audit` compares the database with the newest valid checkpoint of all of these, so
removing the newest records, or restoring an older copy of the database, shows.
"""

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import timezone

from . import file_stores, keyfiles

HEAD_FILE = "head.json"
LOG_FILE = "checkpoints.jsonl"
LOCK_FILE = ".seal.lock"
STORE_FOLDER = "audit-checkpoints"


class AuditKeyMissing(ImproperlyConfigured):
    """No audit key: sealing and verifying stop rather than use a made-up key."""


def audit_key() -> bytes:
    """AUDIT_KEY, else the key file; the file is made (0600) on first use only with DEBUG on."""
    if configured := str(getattr(settings, "AUDIT_KEY", "") or "").strip():
        return configured.encode()
    path = Path(settings.AUDIT_KEY_FILE)
    if path.exists():
        if key := path.read_text().strip():
            return key.encode()
        raise AuditKeyMissing(f"The audit key file {path} is empty.")
    if not settings.DEBUG:
        raise AuditKeyMissing(
            "No audit key: set AUDIT_KEY (or put the key in AUDIT_KEY_FILE, "
            f"{path}). Audit records are kept but not sealed until the key is back. If this "
            "installation had a key, restore it from the backup: a new key cannot verify the "
            "records sealed with the old one."
        )
    return keyfiles.secret_file(path).encode()


def _sign(key: bytes, body: dict) -> str:
    encoded = json.dumps(body, sort_keys=True).encode()
    return hmac.new(key, b"checkpoint:" + encoded, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_id: int
    head: str
    at: str
    reason: str = "seal"
    mac: str = field(default="", compare=False)

    @classmethod
    def make(cls, key: bytes, *, count: int, last_id: int, head: str, reason: str):
        unsigned = cls(count, last_id, head, timezone.now().isoformat(), reason)
        return cls(**{**unsigned.body(), "mac": _sign(key, unsigned.body())})

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        data = json.loads(text)
        return cls(
            count=int(data["count"]),
            last_id=int(data["last_id"]),
            head=str(data["head"]),
            at=str(data["at"]),
            reason=str(data.get("reason", "")),
            mac=str(data.get("mac", "")),
        )

    def body(self) -> dict:
        body = asdict(self)
        body.pop("mac")
        return body

    def signed_by(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, _sign(key, self.body()))

    def line(self) -> str:
        return json.dumps({**self.body(), "mac": self.mac}, sort_keys=True)

    @property
    def written_at(self) -> datetime:
        return datetime.fromisoformat(self.at)


def folder() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


@contextlib.contextmanager
def sealer_lock() -> Iterator[None]:
    """Held by the sealer only (never by appends): one sealing run at a time on this machine."""
    keyfiles.private_folder(folder())
    descriptor = os.open(folder() / LOCK_FILE, os.O_WRONLY | os.O_CREAT, keyfiles.FILE_MODE)
    with os.fdopen(descriptor, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_head() -> Checkpoint | None:
    path = folder() / HEAD_FILE
    return Checkpoint.parse(path.read_text()) if path.exists() else None


def _read_log() -> list[Checkpoint]:
    path = folder() / LOG_FILE
    if not path.exists():
        return []
    return [Checkpoint.parse(line) for line in path.read_text().splitlines() if line.strip()]


def _read_store() -> list[Checkpoint]:
    if not getattr(settings, "AUDIT_CHECKPOINT_TO_STORE", False):
        return []
    store = file_stores.document_store().inner()
    try:
        names = sorted(store.listdir(STORE_FOLDER)[1])
    except FileNotFoundError:
        return []
    if not names:
        return []
    with store.open(f"{STORE_FOLDER}/{names[-1]}", "rb") as handle:
        return [Checkpoint.parse(handle.read().decode())]


class CheckpointForged(Exception):
    """A checkpoint's signature does not match: it was written without the audit key."""


def newest(key: bytes) -> Checkpoint | None:
    """The newest checkpoint (most records) of the head file, the log and the store."""
    found = [*_read_log(), *_read_store()]
    head = _read_head()
    if head is not None:
        found.append(head)
    for checkpoint in found:
        if not checkpoint.signed_by(key):
            raise CheckpointForged(
                f"checkpoint of {checkpoint.at} ({checkpoint.count} records) is not signed with "
                "the audit key"
            )
    return max(found, key=lambda checkpoint: checkpoint.count, default=None)


def log_due() -> bool:
    logged = _read_log()
    if not logged:
        return True
    age = timezone.now() - logged[-1].written_at
    return age >= timedelta(hours=float(getattr(settings, "AUDIT_CHECKPOINT_HOURS", 24)))


def save(checkpoint: Checkpoint, *, log: bool) -> None:
    """Record a checkpoint (the caller holds sealer_lock): the head file never goes back."""
    current = _read_head()
    if current is None or checkpoint.count >= current.count:
        keyfiles.write_private(folder() / HEAD_FILE, checkpoint.line().encode())
    if log:
        keyfiles.append_private(folder() / LOG_FILE, checkpoint.line())
        if getattr(settings, "AUDIT_CHECKPOINT_TO_STORE", False):
            stamp = checkpoint.written_at.strftime("%Y%m%dT%H%M%S%f")
            name = f"{STORE_FOLDER}/{checkpoint.count:015d}-{stamp}.json"
            file_stores.document_store().inner().save(name, ContentFile(checkpoint.line().encode()))
