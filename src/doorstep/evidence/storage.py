"""Where evidence files live: encrypted at rest, through the Django storage API.

`evidence_storage()` returns a Django `Storage` that encrypts every file before handing it to the
real backend and decrypts it on the way back, so what sits in the folder or the bucket is
ciphertext whichever backend is used:

- EVIDENCE_STORAGE=local (default): a folder, EVIDENCE_LOCAL_DIR (DATA_DIR/evidence), files 0600.
- EVIDENCE_STORAGE=s3: an S3-compatible bucket through django-storages (EVIDENCE_S3_*).

Encryption is Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) with the keys in
EVIDENCE_ENCRYPTION_KEYS, a comma-separated list: the first key encrypts new files, every key is
tried when reading, so keys can be rotated (put the new key first, re-encrypt, drop the old one).
With no key configured and local storage, a key is made once and kept in EVIDENCE_KEY_FILE
(DATA_DIR/evidence_key, mode 0600), like SECRET_KEY; S3 storage refuses to run without a
configured key, because every server must share it and it must not sit beside the data.

Files are named by random ids (`originals/3f/3f2a...c9.enc`), never by the resident's file name;
`save()` ignores the name it is given except for its folder. There are no URLs: files are served
through views that check who is asking, so `url()` raises.
"""

import logging
import os
import re
import secrets
import threading
import uuid
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.core.files.utils import validate_file_name

_FOLDER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_EXACT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){1,3}$")

log = logging.getLogger(__name__)


class EvidenceDecryptionError(Exception):
    """A stored file could not be decrypted with any configured key (wrong or removed key,
    or the file was changed on disk). Never shown to residents."""


def _generate_key_file(path: Path) -> None:
    """Write a new key to `path` (0600) unless another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
        try:
            # Atomic: fails if the key file already exists, so two processes can't disagree.
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def refuse_new_key_over_files(key_file: Path) -> None:
    """Fail closed: a new key cannot read files stored with the lost one (restore it instead)."""
    folder = Path(settings.EVIDENCE_LOCAL_DIR)
    if folder.is_dir() and next(folder.rglob("*.enc"), None) is not None:
        raise ImproperlyConfigured(
            f"Evidence files are stored in {folder} but their key file {key_file} is missing. "
            "Restore the key (manage.py restore puts it back from a backup) or set "
            "EVIDENCE_ENCRYPTION_KEYS; a new key could not read them, so none is made."
        )


def encryption_keys() -> list[bytes]:
    """The configured keys, newest first; see the module docstring for the default."""
    configured = getattr(settings, "EVIDENCE_ENCRYPTION_KEYS", [])
    if isinstance(configured, str):
        configured = configured.split(",")
    keys = [key.strip().encode() for key in configured if key and key.strip()]
    if not keys:
        if getattr(settings, "EVIDENCE_STORAGE", "local") != "local":
            raise ImproperlyConfigured(
                "Set EVIDENCE_ENCRYPTION_KEYS: evidence kept in S3 storage must be encrypted "
                "with a key every server shares."
            )
        key_file = Path(settings.EVIDENCE_KEY_FILE)
        if not key_file.exists():
            refuse_new_key_over_files(key_file)
            _generate_key_file(key_file)
        keys = [line.strip().encode() for line in key_file.read_text().splitlines()]
        keys = [key for key in keys if key]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"EVIDENCE_ENCRYPTION_KEYS: key number {position} is not a valid key. Make one "
                'with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from error
    return keys


def new_key() -> str:
    return Fernet.generate_key().decode()


class EncryptedStorage(Storage):
    """Encrypts on save and decrypts on open, around another storage backend."""

    def __init__(self, inner: Storage, keys: list[bytes]):
        if not keys:
            raise ImproperlyConfigured("EncryptedStorage needs at least one key.")
        self.inner = inner
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    # Names -------------------------------------------------------------------------------

    def get_available_name(self, name, max_length=None):
        folder = os.path.dirname(str(name or "")).strip("/").split("/")[0]
        if not _FOLDER.match(folder):
            folder = "files"
        token = secrets.token_hex(16)
        return f"{folder}/{token[:2]}/{token}.enc"

    def generate_filename(self, filename):
        return self.get_available_name(filename)

    # Content -----------------------------------------------------------------------------

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        if isinstance(data, str):
            data = data.encode()
        return self.inner.save(name, ContentFile(self._fernet.encrypt(data)))

    def _open(self, name, mode="rb"):
        if mode not in ("r", "rb"):
            raise ValueError("Evidence files are read-only once stored.")
        return ContentFile(self.read_bytes(name), name=name)

    def read_bytes(self, name: str) -> bytes:
        """The decrypted content of a stored file."""
        with self.inner.open(name, "rb") as handle:
            token = handle.read()
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as error:
            raise EvidenceDecryptionError(
                f"Evidence file {name} could not be decrypted with any key in "
                "EVIDENCE_ENCRYPTION_KEYS (a key removed too soon, the wrong key, or a changed "
                "file)."
            ) from error

    def save_bytes(self, data: bytes, *, folder: str) -> str:
        """Encrypt and store `data` under a new random name in `folder`; returns the name."""
        return self.save(f"{folder}/file", ContentFile(data))

    def write_exact(self, name: str, data: bytes) -> str:
        """Encrypt and store `data` under exactly `name` (made by our code, e.g.
        "sanitised/42.enc", never from a resident), replacing what an interrupted run left."""
        validate_file_name(name, allow_relative_path=True)
        if not _EXACT_NAME.match(name):
            raise SuspiciousFileOperation(f"Not an evidence file name: {name!r}")
        if self.inner.exists(name):
            self.inner.delete(name)
        saved = self.inner.save(name, ContentFile(self._fernet.encrypt(data)))
        if saved != name:  # pragma: no cover - only if another writer raced us to the name
            raise OSError(f"{name} was stored as {saved}.")
        return saved

    def reencrypt(self, name: str) -> None:
        """Encrypt a stored file again with the newest key (after adding a key in front)."""
        with self.inner.open(name, "rb") as handle:
            token = handle.read()
        try:
            rotated = self._fernet.rotate(token)
        except InvalidToken as error:
            raise EvidenceDecryptionError(
                f"Evidence file {name} could not be decrypted."
            ) from error
        if rotated == token:
            return
        # Same name, new content: remove then write (backends never overwrite in place).
        self.inner.delete(name)
        saved = self.inner.save(name, ContentFile(rotated))
        if saved != name:  # pragma: no cover - only if another writer raced us to the name
            raise OSError(f"Re-encrypted {name} was stored as {saved}.")

    # Everything else is the backend's -------------------------------------------------------

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def size(self, name):
        """The decrypted size (reads and decrypts the file)."""
        return len(self.read_bytes(name))

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)

    def url(self, name):
        raise NotImplementedError(
            "Evidence files are encrypted and have no URL: serve them through a view."
        )


def _backend() -> Storage:
    kind = getattr(settings, "EVIDENCE_STORAGE", "local")
    if kind == "local":
        return FileSystemStorage(
            location=str(settings.EVIDENCE_LOCAL_DIR),
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )
    if kind == "s3":
        from storages.backends.s3 import S3Storage

        if not settings.EVIDENCE_S3_BUCKET:
            raise ImproperlyConfigured("EVIDENCE_STORAGE is s3: set EVIDENCE_S3_BUCKET.")
        return S3Storage(
            bucket_name=settings.EVIDENCE_S3_BUCKET,
            endpoint_url=settings.EVIDENCE_S3_ENDPOINT_URL or None,
            region_name=settings.EVIDENCE_S3_REGION or None,
            access_key=settings.EVIDENCE_S3_ACCESS_KEY or None,
            secret_key=settings.EVIDENCE_S3_SECRET_KEY or None,
            addressing_style=settings.EVIDENCE_S3_ADDRESSING_STYLE or None,
            # Objects are private by default; no ACL header, which buckets with ACLs disabled
            # (the AWS default) would refuse.
            default_acl=None,
            file_overwrite=False,
            querystring_auth=True,
        )
    raise ImproperlyConfigured(f"EVIDENCE_STORAGE must be local or s3, not {kind!r}.")


_cache: dict[tuple, EncryptedStorage] = {}
_cache_lock = threading.Lock()


def _config() -> tuple:
    names = (
        "EVIDENCE_STORAGE",
        "EVIDENCE_LOCAL_DIR",
        "EVIDENCE_KEY_FILE",
        "EVIDENCE_ENCRYPTION_KEYS",
        "EVIDENCE_S3_BUCKET",
        "EVIDENCE_S3_ENDPOINT_URL",
        "EVIDENCE_S3_REGION",
        "EVIDENCE_S3_ACCESS_KEY",
        "EVIDENCE_S3_SECRET_KEY",
        "EVIDENCE_S3_ADDRESSING_STYLE",
    )
    return tuple(str(getattr(settings, name, "")) for name in names)


def evidence_storage() -> EncryptedStorage:
    """The storage for evidence files, as configured (one instance per configuration)."""
    config = _config()
    with _cache_lock:
        storage = _cache.get(config)
        if storage is None:
            keys = encryption_keys()
            storage = EncryptedStorage(_backend(), keys)
            _cache.clear()
            _cache[config] = storage
    return storage


def delete_quietly(paths) -> None:
    """Delete stored files after their rows changed: a failure is logged, never raised, since
    the change is already committed and a leftover encrypted blob harms no one."""
    storage = evidence_storage()
    for path in paths:
        try:
            storage.delete(path)
        except Exception:
            log.exception("Could not delete stored file %s", path)
