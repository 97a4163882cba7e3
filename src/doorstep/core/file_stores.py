"""The store of files a capability keeps outside the database, for backups and checkpoints.

Backups, restores and audit checkpoints need the document store and its keys, but core imports
no capability: the capability that owns the store (evidence) registers it here when it starts.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage


@dataclass(frozen=True)
class FileStore:
    # The storage as it holds the files (encrypted, so copies stay encrypted).
    inner: Callable[[], Storage]
    # The keys the files need, newest first, as they are configured now.
    keys: Callable[[], list[bytes]]
    # Reads one stored file with the keys on disk now; raises if it cannot.
    read_with_current_keys: Callable[[str], bytes]


_store: FileStore | None = None


def register(store: FileStore) -> None:
    global _store  # noqa: PLW0603 - one store for the process, set once at start-up
    _store = store


def document_store() -> FileStore:
    if _store is None:
        raise ImproperlyConfigured(
            "No document store is registered (is the evidence app installed?)"
        )
    return _store
