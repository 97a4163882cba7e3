"""Doorstep with REDIS_URL set: background tasks on RQ workers and rate limits in Redis.

A real redis-server is started on loopback. The site runs in separate processes, as it does
when deployed: one process queues work, an `rqworker` process does it, and rate-limit counts
made by one process are seen by another.
"""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
import redis

pytestmark = [
    pytest.mark.skipif(
        shutil.which("redis-server") is None and not os.environ.get("CI"),
        reason="redis-server is not installed (CI installs it)",
    ),
    # The site here makes its own SQLite database, so one pass of the suite is enough.
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite pass of the suite"
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(  # noqa: S603 - fixed command, no shell
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder)]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def site(redis_url, tmp_path_factory):
    """Run code in a fresh Doorstep process configured with Redis and its own SQLite file."""
    data_dir = tmp_path_factory.mktemp("site")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TASKS_BACKEND")
    }
    env.update(
        DOORSTEP_DATA_DIR=str(data_dir),
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="doorstep.settings",
        SMS_QUIET_HOURS="",
        SMS_OUTBOX_DELIVERY_SECONDS="0",
    )

    def run(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 - this interpreter, our arguments
            [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def python(code: str) -> str:
        return run("-c", "import django; django.setup()\n" + code)

    run("-m", "django", "migrate", "--verbosity", "0")
    return python, run


def test_a_text_queued_by_the_web_process_is_sent_by_an_rq_worker(site, redis_url):
    python, run = site
    message_id = python(
        "from doorstep.residents.models import Resident, Phone\n"
        "from doorstep.messaging import services\n"
        "r = Resident.objects.create(first_name='Amina', last_name='Khan',"
        " consents_to_text=True)\n"
        "Phone.objects.create(resident=r, number='+447700900982', is_mobile=True,"
        " is_primary=True)\n"
        "m = services.send_message(resident=r, actor=None, body='Your appointment is"
        " tomorrow', idempotency_key='redis-test')\n"
        "print(m.pk)"
    )
    assert redis.Redis.from_url(redis_url).llen("rq:queue:default") == 1

    # The job class is how django-tasks-rq runs Django tasks; docs/deployment.md gives the same command.
    run("-m", "django", "rqworker", "default", "--job-class", "django_tasks_rq.Job", "--burst")

    outcome = python(
        "from doorstep.messaging.models import Message, OutboxEntry\n"
        f"m = Message.objects.get(pk={message_id})\n"
        "print(m.status, OutboxEntry.objects.filter(body=m.body).count())"
    )
    assert outcome == "delivered 1"  # the local outbox reports delivery at once here


def test_failed_lookups_counted_in_one_process_lock_the_next(site):
    python, _ = site
    fail_once = (
        "import datetime\n"
        "from django.test import RequestFactory\n"
        "from doorstep.housing import services\n"
        "request = RequestFactory().get('/', REMOTE_ADDR='203.0.113.9')\n"
        "try:\n"
        "    services.lookup_position(reference='REG-404', date_of_birth=datetime.date(1990, 1,"
        " 1), request=request)\n"
        "except services.LookupLocked:\n"
        "    print('locked')\n"
        "except services.LookupFailed:\n"
        "    print('failed')\n"
    )
    answers = [python(fail_once) for _ in range(_failure_limit(python) + 1)]
    # Each attempt is a new process, so only Redis carries the count from one to the next.
    assert set(answers[:-1]) == {"failed"}
    assert answers[-1] == "locked"


def _failure_limit(python) -> int:
    return int(
        python("from doorstep.housing import services; print(services.LOOKUP_FAILURE_LIMIT)")
    )


def test_the_settings_point_tasks_and_cache_at_redis(site):
    python, _ = site
    backends = python(
        "from django.conf import settings\n"
        "print(settings.TASKS['default']['BACKEND'], settings.CACHES['default']['BACKEND'])"
    )
    assert backends == ("django_tasks_rq.RQBackend django.core.cache.backends.redis.RedisCache")
