"""Files only this account may read: keys, checkpoints, backups and database copies.

Every file here is created 0600 (folders 0700) whatever the process umask, and written
atomically (a private temporary file renamed into place), so a reader never sees half a key.
"""

import contextlib
import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Make the folder (and missing parents) 0700; an existing one is tightened if it is ours."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if path.stat().st_uid == os.getuid():
        path.chmod(FOLDER_MODE)
    return path


def write_private(path: Path, data: bytes, *, keep_existing: bool = False) -> bool:
    """Write `data` to `path` (0600) atomically. With keep_existing, an existing file wins
    (two processes making a key at once agree on one); returns whether `data` was written."""
    path = Path(path)
    private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if keep_existing:
            try:
                os.link(temporary, path)
            except FileExistsError:
                return False
        else:
            os.replace(temporary, path)
        return True
    finally:
        temporary.unlink(missing_ok=True)


def append_private(path: Path, line: str) -> None:
    """Append one line to `path`, made 0600 if new; never rewrites what is there."""
    private_folder(Path(path).parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(line.rstrip("\n") + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def secret_file(path: Path, *, nbytes: int = 32) -> str:
    """The secret kept in `path`, made (random, 0600) if the file does not exist yet."""
    path = Path(path)
    if not path.exists():
        write_private(path, (secrets.token_hex(nbytes) + "\n").encode(), keep_existing=True)
    return path.read_text().strip()


def make_private(root: Path) -> None:
    """Tighten everything under `root` to 0600 files and 0700 folders."""
    root = Path(root)
    if root.is_file():
        root.chmod(FILE_MODE)
        return
    root.chmod(FOLDER_MODE)
    for folder, folders, files in os.walk(root):
        for name in folders:
            Path(folder, name).chmod(FOLDER_MODE)
        for name in files:
            Path(folder, name).chmod(FILE_MODE)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """New files made by libraries (sqlite3, pg_dump) are private while this is active."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def private_file(path: Path | str) -> None:
    """Make sure the file at `path` (a database) is 0600: made empty if missing, tightened if
    it is ours, with any SQLite -wal and -shm beside it. In-memory databases are left alone."""
    if str(path) in ("", ":memory:") or str(path).startswith("file:"):
        return
    path = Path(path)
    if not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            if candidate.stat().st_uid == os.getuid():
                candidate.chmod(FILE_MODE)
