"""The embedded set-up (SQLite file, `scripts/run.sh`) under bursts of writes: a writer waits
its turn for the write lock rather than failing with "database is locked", and a burst of
simultaneous API writes to the server is answered in full.

Own SQLite files and processes (the test database is in memory), so the SQLite pass only."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..sites import DJANGO, site_environment
from .test_redis import _free_port

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite pass of the suite"
)

BURST = 100
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("writes")
    env = site_environment(data_dir)
    token = subprocess.run(  # noqa: S603 - this interpreter, our arguments
        [*DJANGO, "create_api_token", "Burst"], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return env, data_dir, token


HOLD_THE_LOCK = """
import sys, time, django
django.setup()
from django.db import transaction
from doorstep.core.models import Team
with transaction.atomic():
    Team.objects.create(name="Holder", slug="holder")
    open(sys.argv[1], "w").close()
    time.sleep(float(sys.argv[2]))
"""

WRITE = """
import django
django.setup()
from doorstep.core.models import Team
Team.objects.create(name="Waiter", slug="waiter")
print("written")
"""


def test_a_writer_waits_for_a_long_transaction_rather_than_failing(site, tmp_path):
    """Longer than the 5 seconds SQLite was once given: the second write waits, then succeeds."""
    env, _, _ = site
    holding = tmp_path / "holding"
    holder = subprocess.Popen(  # noqa: S603 - this interpreter, our arguments
        [sys.executable, "-c", HOLD_THE_LOCK, str(holding), "8"], env=env
    )
    while not holding.exists():
        assert holder.poll() is None
        time.sleep(0.05)
    writer = subprocess.run(  # noqa: S603 - this interpreter, our arguments
        [sys.executable, "-c", WRITE], env=env, capture_output=True, text=True, timeout=120
    )
    holder.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr[-2000:]
    assert writer.stdout.strip() == "written"


def _server_command(port: int) -> list[str]:
    """The web server of scripts/run.sh (gunicorn: runserver dropped connections in a burst)."""
    script = (REPO / "scripts" / "run.sh").read_text()
    assert "gunicorn doorstep.wsgi" in script and "--workers 2 --threads 8" in script
    return [sys.executable, "-m", "gunicorn", "doorstep.wsgi", "--bind", f"127.0.0.1:{port}"] + (
        "--workers 2 --threads 8 --timeout 180 --log-level warning".split()
    )


@pytest.fixture
def server(site):
    env, data_dir, token = site
    port = _free_port()
    process = subprocess.Popen(_server_command(port), env=env, cwd=data_dir)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310 - our server
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.2)
    yield base, token
    process.terminate()
    process.wait(timeout=30)


def _create(base: str, token: str, number: int):
    body = {
        "first_name": f"Burst{number}",
        "last_name": "Writer",
        "address_line_1": f"{number} Mare Street",
        "postcode": "E8 1DY",
    }
    request = urllib.request.Request(  # noqa: S310 - our server
        f"{base}/api/v1/residents",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        return urllib.request.urlopen(request, timeout=300).status  # noqa: S310 - our server
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return repr(error)


def test_a_burst_of_api_writes_is_answered_in_full(server):
    base, token = server
    start = threading.Barrier(BURST)

    def one(number):
        start.wait()
        return _create(base, token, number)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        statuses = list(pool.map(one, range(BURST)))
    assert statuses == [201] * BURST
