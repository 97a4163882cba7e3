"""Guess counters under bursts of simultaneous requests, on every store `core.throttle` uses.

Each test starts many attempts at once (threads released together by a barrier, processes
released by a file appearing) against one key, and checks that exactly the limit got through:
counting a guess and reading the count must be one step, or every request in a burst sees the
count from before the burst.
"""

import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from doorstep.core import throttle
from doorstep.core.models import GuessCounter

from ..sites import site_environment
from .test_redis import _free_port, redis_url  # noqa: F401 (a fixture used below)

BURST, LIMIT = 60, 5

# Own SQLite files and processes: one pass of the suite (the SQLite one) is enough.
only_sqlite_pass = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite pass of the suite"
)
needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None and not os.environ.get("CI"),
    reason="redis-server is not installed (CI installs it)",
)


def _burst(attempt, size: int = BURST) -> list:
    """Run `attempt()` in `size` threads released at the same moment; their answers."""
    start = threading.Barrier(size)

    def one():
        start.wait()
        try:
            return attempt()
        finally:
            connection.close()  # each thread opened its own database connection

    with ThreadPoolExecutor(max_workers=size) as pool:
        return list(pool.map(lambda _: one(), range(size)))


def _attempt(key: str):
    return lambda: throttle.attempt(key, limit=LIMIT, window_seconds=600)


def test_in_memory_cache_lets_exactly_the_limit_through(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    assert _burst(_attempt("burst:locmem")).count(True) == LIMIT
    assert throttle.peek("burst:locmem") == BURST


@needs_redis
def test_redis_lets_exactly_the_limit_through(settings, redis_url):  # noqa: F811
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"burst-{secrets.token_hex(4)}",
        }
    }
    assert _burst(_attempt("burst:redis")).count(True) == LIMIT
    assert throttle.peek("burst:redis") == BURST
    # The window was set once, when the key was new, and is not pushed back by later guesses.
    import redis

    client = redis.Redis.from_url(redis_url)
    (full_key,) = client.keys("*burst:redis")
    assert 0 < client.ttl(full_key) <= 600


@pytest.mark.django_db(transaction=True)
def test_the_database_lets_exactly_the_limit_through(settings):
    """The default file cache's increment is a read then a write, so counts live in a table.

    On PostgreSQL, threads; SQLite's in-memory test database refuses one thread's write while
    another's is open ("table is locked", where a database file waits), so on SQLite the test
    below runs separate processes on a database file instead."""
    if connection.vendor == "sqlite":
        pytest.skip("threads on the in-memory SQLite test database: see the processes test")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(settings.DATA_DIR / "test-cache"),
        }
    }
    assert _burst(_attempt("burst:database")).count(True) == LIMIT
    assert GuessCounter.objects.get(key="burst:database").hits == BURST


# --- Separate processes, as deployed ---------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Environment for Doorstep processes with their own SQLite file and the default cache."""
    data_dir = tmp_path_factory.mktemp("site")
    return site_environment(data_dir, PLAN_LINK_GUESS_LIMIT=str(LIMIT)), data_dir


ATTEMPTS_IN_ONE_PROCESS = """
import os, sys, threading, time, django
django.setup()
from django.db import connection
from doorstep.core import throttle
go, threads, allowed = sys.argv[1], int(sys.argv[2]), []
start = threading.Barrier(threads)
def one():
    start.wait()
    while not os.path.exists(go):
        time.sleep(0.001)
    allowed.append(throttle.attempt("burst:processes", limit=%d, window_seconds=600))
    connection.close()
workers = [threading.Thread(target=one) for _ in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(allowed.count(True))
"""


@only_sqlite_pass
def test_processes_sharing_the_default_store_let_exactly_the_limit_through(site, tmp_path):
    env, _ = site
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(  # noqa: S603 - this interpreter, our arguments
            [sys.executable, "-c", ATTEMPTS_IN_ONE_PROCESS % LIMIT, str(go), "20"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(BURST // 20)
    ]
    time.sleep(3)  # let every process start and wait (a late one only makes the test easier)
    go.touch()
    allowed = [int(process.communicate(timeout=120)[0]) for process in processes]
    assert sum(allowed) == LIMIT


@pytest.fixture(scope="module")
def server(site):
    """Doorstep served by gunicorn: three worker processes of four threads each."""
    env, data_dir = site
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - this interpreter, our arguments
        [sys.executable, "-m", "gunicorn", "doorstep.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "3", "--threads", "4", "--log-level", "warning"],
        env=env,
        cwd=data_dir,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310 - our server
            break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=60).status  # noqa: S310 - our server
    except urllib.error.HTTPError as error:
        return error.code


@only_sqlite_pass
def test_a_burst_of_unknown_plan_links_has_only_the_limit_checked(server):
    """60 simultaneous requests for made-up plan links, over real HTTP to several processes:
    only PLAN_LINK_GUESS_LIMIT are looked up (404); the rest are refused unchecked (429)."""
    urls = [f"{server}/plans/r/{secrets.token_urlsafe(24)}/" for _ in range(BURST)]
    start = threading.Barrier(BURST)

    def fetch(url):
        start.wait()
        return _status(url)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        statuses = list(pool.map(fetch, urls))
    assert statuses.count(404) == LIMIT
    assert statuses.count(429) == BURST - LIMIT
