"""Fixtures for the evidence tests: private file storage, a real clamd and a real S3 server.

- Every test here gets its own evidence folder and a fixed encryption key (autouse), so nothing
  is written under the repository's var/ folder.
- `clamd`: scanning switched on against a real clamd (started once per test run) whose
  signature database finds the EICAR string. Skipped when clamd is not installed, except in CI
  (CI=true), where a missing clamd is a failure.
- `s3_storage`: evidence storage switched to a fresh bucket on a real S3-compatible server
  (moto's, over HTTP on 127.0.0.1).
"""

import os
import uuid

import pytest

from .servers import ClamdServer, S3Server, clamd_binary

# A fixed key for tests only, so failures are reproducible.
TEST_KEY = "7ZyUy4zCaFxUYJJEp8F2oi6Et5s6BJQlGox9jTsdjtw="


@pytest.fixture(autouse=True)
def evidence_files(settings, tmp_path):
    """Evidence stored locally in this test's temporary folder, encrypted with TEST_KEY."""
    settings.EVIDENCE_STORAGE = "local"
    settings.EVIDENCE_LOCAL_DIR = tmp_path / "evidence"
    settings.EVIDENCE_KEY_FILE = tmp_path / "evidence_key"
    settings.EVIDENCE_ENCRYPTION_KEYS = [TEST_KEY]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    return settings.EVIDENCE_LOCAL_DIR


@pytest.fixture(scope="session")
def clamd_server():
    if clamd_binary() is None:
        message = "clamd is not installed (apt-get install clamav-daemon; CI installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = ClamdServer().start()
    yield server
    server.stop()


@pytest.fixture
def clamd(settings, clamd_server):
    """Virus scanning on, through the real clamd's UNIX socket."""
    settings.CLAMD_SOCKET = clamd_server.socket_path
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 30
    return clamd_server


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """Evidence storage in a new, empty bucket on the S3 server; returns the bucket name."""
    bucket = s3_server.create_bucket(f"evidence-{uuid.uuid4().hex[:12]}")
    settings.EVIDENCE_STORAGE = "s3"
    settings.EVIDENCE_S3_BUCKET = bucket
    settings.EVIDENCE_S3_ENDPOINT_URL = s3_server.endpoint_url
    settings.EVIDENCE_S3_REGION = s3_server.region
    settings.EVIDENCE_S3_ACCESS_KEY = s3_server.access_key
    settings.EVIDENCE_S3_SECRET_KEY = s3_server.secret_key
    settings.EVIDENCE_S3_ADDRESSING_STYLE = "path"
    return bucket
