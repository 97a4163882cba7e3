"""A throwaway PostgreSQL server on loopback, for the test suite and the benchmarks.

    python -m doorstep.core.localpg -- pytest ...

starts a server in a temporary folder, runs the command with DATABASE_URL pointing at it,
then stops the server and removes the folder. PostgreSQL refuses to run as root, so when
we are root the server runs as the `postgres` system user.
"""

import contextlib
import os
import shutil
import socket
import subprocess  # noqa: S404 - starts the local database server
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def _bin_dir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def running_server(database: str = "doorstep") -> Iterator[str]:
    """Yield a DATABASE_URL for a fresh server; everything is removed afterwards."""
    bin_dir = _bin_dir()
    workdir = Path(tempfile.mkdtemp(prefix="doorstep-pg-"))
    data = workdir / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
    run = subprocess.run  # noqa: S603 - fixed commands, no shell
    try:
        run(
            _as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={workdir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=256MB -c max_connections=50"
        )
        run(
            _as_server_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-w",
                    "-l",
                    str(workdir / "server.log"),
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        run(
            _as_server_user(
                [
                    str(bin_dir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    database,
                ]
            ),
            check=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/{database}"
    finally:
        if (data / "postmaster.pid").exists():
            run(
                _as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
                ),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__)  # noqa: T201
        return 2
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return subprocess.call(argv)  # noqa: S603
    with running_server() as url:
        started = time.monotonic()
        code = subprocess.call(argv, env={**os.environ, "DATABASE_URL": url})  # noqa: S603
        print(f"PostgreSQL run took {time.monotonic() - started:.0f} s", file=sys.stderr)  # noqa: T201
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
