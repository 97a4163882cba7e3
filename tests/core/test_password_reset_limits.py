"""Password reset e-mails are limited per e-mail address and per visitor's address, without the
page ever saying whether an account exists."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client

from ..factories import StaffFactory

RESET = "/account/password-reset/"
SENT = "/account/password-reset/sent/"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PASSWORD_RESET_EMAIL_LIMIT = 3
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 5
    settings.TRUSTED_PROXIES = []
    cache.clear()


def _ask(client, email: str, address: str = "198.51.100.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_an_account_gets_only_so_many_reset_emails_an_hour(client, officer):
    answers = [_ask(client, officer.email, f"198.51.100.{n}") for n in range(5)]
    assert {(answer.status_code, answer.url) for answer in answers} == {(302, SENT)}
    assert len(mail.outbox) == 3
    # Changing the case or adding spaces is the same account, and the same count.
    _ask(client, f"  {officer.email.upper()} ", "198.51.100.9")
    assert len(mail.outbox) == 3


def test_one_address_can_ask_only_so_many_times_an_hour(client, officer, team):
    staff = [StaffFactory(email=f"person{n}@council.example", teams=[team]) for n in range(6)]
    for person in staff:
        assert _ask(client, person.email).url == SENT
    assert len(mail.outbox) == 5
    # Someone else, elsewhere, is not held up.
    _ask(client, staff[-1].email, "203.0.113.7")
    assert len(mail.outbox) == 6


def test_a_limited_request_looks_like_any_other(client, officer):
    for _ in range(3):
        _ask(client, officer.email)
    mail.outbox.clear()
    limited = _ask(client, officer.email)
    unknown = _ask(client, "nobody@council.example", "203.0.113.8")
    assert limited.status_code == unknown.status_code == 302
    assert limited.url == unknown.url == SENT
    assert mail.outbox == []


def test_unknown_addresses_count_too_so_the_limit_reveals_nothing(client, officer):
    for _ in range(3):
        _ask(client, "nobody@council.example")
    # The count for an address with no account ran out in the same way: nothing distinguishes it.
    assert _ask(client, "nobody@council.example").url == SENT
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_reset_requests_sends_only_the_limit(officer, settings):
    # Counts in memory: SQLite's in-memory test database refuses simultaneous writes from
    # threads (tests/core/test_guess_counters.py checks the database store with processes).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "r"}
    }
    start = threading.Barrier(20)

    def ask(n):
        start.wait()
        try:
            return _ask(Client(), officer.email, f"198.51.100.{n}").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert set(pool.map(ask, range(20))) == {302}
    assert len(mail.outbox) == 3
