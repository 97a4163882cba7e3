"""Virus scanning with ClamAV's daemon, clamd, spoken to over its socket.

Uses clamd's INSTREAM command, so the file never has to be readable by clamd on disk:

    client: b"zINSTREAM\\0", then chunks (4-byte big-endian length + bytes), then 4 zero bytes
    clamd:  b"stream: OK\\0" | b"stream: <signature> FOUND\\0" | b"<message> ERROR\\0"

Configure CLAMD_SOCKET (a UNIX socket path) or CLAMD_HOST and CLAMD_PORT. With neither, scanning
is off (the embedded default): `scan` answers scanned=False, clean=True. When it is configured but
clamd cannot be reached or cannot scan the file, `scan` raises ScanUnavailable, so the background
task retries later rather than passing a file nobody scanned.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK_BYTES = 64 * 1024


@dataclass
class ScanResult:
    scanned: bool
    clean: bool
    signature: str | None = None


class ScanUnavailable(Exception):
    """clamd is configured but could not give a verdict (down, timed out, refused the file)."""


def is_configured() -> bool:
    return bool(getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_HOST", ""))


def _describe() -> str:
    if path := getattr(settings, "CLAMD_SOCKET", ""):
        return f"clamd at {path}"
    return f"clamd at {settings.CLAMD_HOST}:{getattr(settings, 'CLAMD_PORT', 3310)}"


def _connect() -> socket.socket:
    timeout = float(getattr(settings, "CLAMD_TIMEOUT", 60))
    if path := getattr(settings, "CLAMD_SOCKET", ""):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(path)
        except OSError:
            connection.close()
            raise
        return connection
    return socket.create_connection(
        (settings.CLAMD_HOST, int(getattr(settings, "CLAMD_PORT", 3310))), timeout=timeout
    )


def _read_reply(connection: socket.socket) -> str:
    reply = bytearray()
    while b"\0" not in reply:
        chunk = connection.recv(4096)
        if not chunk:
            break
        reply += chunk
        if len(reply) > 64 * 1024:
            break
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_reply(reply: str) -> ScanResult:
    """Turn clamd's answer to INSTREAM into a result; anything but a verdict is unavailable."""
    if reply.endswith(" ERROR") or not reply.startswith("stream:"):
        raise ScanUnavailable(f"clamd could not scan the file: {reply or 'no answer'}")
    verdict = reply[len("stream:") :].strip()
    if verdict == "OK":
        return ScanResult(scanned=True, clean=True, signature=None)
    if verdict.endswith(" FOUND"):
        return ScanResult(scanned=True, clean=False, signature=verdict[: -len(" FOUND")].strip())
    raise ScanUnavailable(f"clamd gave an answer we do not understand: {reply}")


def scan(data: bytes) -> ScanResult:
    """Scan bytes with clamd; see the module docstring for what each outcome means."""
    if not is_configured():
        return ScanResult(scanned=False, clean=True, signature=None)
    try:
        connection = _connect()
    except OSError as error:
        raise ScanUnavailable(f"Could not reach {_describe()}: {error}") from error
    with connection:
        try:
            connection.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(view), CHUNK_BYTES):
                chunk = view[start : start + CHUNK_BYTES]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
        except OSError as error:
            # clamd hangs up mid-stream when the file passes its StreamMaxLength; it may have
            # said why before closing.
            try:
                reply = _read_reply(connection)
            except OSError:
                reply = ""
            raise ScanUnavailable(
                f"{_describe()} stopped reading the file: {reply or error}"
            ) from error
        try:
            reply = _read_reply(connection)
        except OSError as error:
            raise ScanUnavailable(f"No answer from {_describe()}: {error}") from error
    return parse_reply(reply)


def ping() -> bool:
    """Whether clamd answers PING (False when scanning is not configured)."""
    if not is_configured():
        return False
    try:
        with _connect() as connection:
            connection.sendall(b"zPING\0")
            return _read_reply(connection) == "PONG"
    except OSError:
        return False


def health_check() -> str:
    """For /healthz: uploads wait unscanned while clamd is down, so say so."""
    if not is_configured():
        return "not configured (files are not scanned)"
    if not ping():
        raise OSError(f"{_describe()} did not answer")
    return f"{_describe()} answering"
