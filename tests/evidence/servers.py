"""Real servers on loopback for the evidence tests: ClamAV's clamd and an S3-compatible store.

ClamdServer runs Debian's /usr/sbin/clamd (package clamav-daemon) in the foreground with its own
configuration and a signature database written here, since no signature download is reachable:
one hex signature that finds the EICAR test string anywhere in a file. It listens on a UNIX
socket and on a TCP port on 127.0.0.1.

S3Server is moto's server (`moto.server.ThreadedMotoServer`): a real HTTP endpoint speaking the
S3 API on 127.0.0.1, which boto3 and django-storages talk to exactly as they would to AWS, MinIO
or Ceph.
"""

import os
import shutil
import signal
import socket
import subprocess  # noqa: S404 - starts the local clamd
import tempfile
import time
from pathlib import Path

from .hostile import EICAR

CLAMD_PATHS = ("/usr/sbin/clamd", "/usr/local/sbin/clamd")
START_LIMIT_SECONDS = 60
EICAR_SIGNATURE_NAME = "Eicar-Test-Signature"


def clamd_binary() -> str | None:
    for path in CLAMD_PATHS:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("clamd")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ClamdServer:
    """A throwaway clamd. `socket_path`, `host` and `port` say where to reach it."""

    def __init__(self) -> None:
        binary = clamd_binary()
        if binary is None:
            raise FileNotFoundError("clamd is not installed (apt-get install clamav-daemon)")
        self.binary = binary
        self.folder = Path(tempfile.mkdtemp(prefix="doorstep-clamd-"))
        self.socket_path = str(self.folder / "clamd.sock")
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.log_path = self.folder / "clamd.log"
        self.process: subprocess.Popen | None = None

    def _write_files(self) -> Path:
        database = self.folder / "db"
        database.mkdir()
        (self.folder / "tmp").mkdir()
        # Extended (.ndb) signature: name : any file type : any offset : hex of the bytes.
        (database / "doorstep-test.ndb").write_text(f"{EICAR_SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
        config = self.folder / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {self.socket_path}",
                    "LocalSocketMode 600",
                    f"TCPSocket {self.port}",
                    f"TCPAddr {self.host}",
                    f"DatabaseDirectory {database}",
                    f"TemporaryDirectory {self.folder / 'tmp'}",
                    f"LogFile {self.log_path}",
                    f"PidFile {self.folder / 'clamd.pid'}",
                    "LogTime yes",
                    "StreamMaxLength 30M",
                    "MaxFileSize 30M",
                    "MaxScanSize 100M",
                    "MaxThreads 2",
                    "SelfCheck 0",
                    "",
                ]
            )
        )
        return config

    def start(self) -> "ClamdServer":
        config = self._write_files()
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [self.binary, "--config-file", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_LIMIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd stopped at start-up:\n{self.log()}")
            if self.ping():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"clamd did not answer PING in {START_LIMIT_SECONDS} s:\n{self.log()}")

    def ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(2)
                connection.connect(self.socket_path)
                connection.sendall(b"zPING\0")
                return connection.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def log(self) -> str:
        try:
            return self.log_path.read_text()
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)


class S3Server:
    """moto's S3-compatible server on a free loopback port."""

    region = "eu-west-2"
    access_key = "doorstep-test"
    secret_key = "doorstep-test-secret"  # noqa: S105 - a throwaway local server

    def __init__(self) -> None:
        self._server = None
        self.endpoint_url = ""

    def start(self) -> "S3Server":
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region}
        )
        return name

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
