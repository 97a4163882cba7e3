"""The visitor's address behind proxies: X-Forwarded-For is read only through TRUSTED_PROXIES."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import RequestFactory

from doorstep.core import resident_links
from doorstep.core.clients import client_address

from .test_resident_links import PLAN_LINKS

NGINX = "127.0.0.1"


def _request(remote: str = NGINX, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    request.session = SessionStore()
    return request


def test_without_the_setting_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"
    assert client_address(_request(NGINX, "203.0.113.1")) == NGINX
    assert client_address(None) is None


@pytest.mark.parametrize("trusted", [1, ["127.0.0.1"], ["127.0.0.0/8", "::1"]])
def test_behind_one_trusted_proxy_the_address_it_saw_is_the_clients(settings, trusted):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(_request(NGINX, "203.0.113.1")) == "203.0.113.1"
    assert client_address(_request(NGINX, "203.0.113.2")) == "203.0.113.2"
    # A client cannot choose its address by writing entries of its own before the proxy's.
    assert client_address(_request(NGINX, "192.0.2.99, 203.0.113.1")) == "203.0.113.1"
    assert client_address(_request(NGINX, "127.0.0.1, 203.0.113.1")) == "203.0.113.1"
    # Nothing to read: the connection's own address.
    assert client_address(_request(NGINX)) == NGINX


def test_a_list_of_proxies_is_read_only_from_them_and_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    # Connected directly, not through a proxy: the header is someone's invention.
    assert client_address(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"
    # A load balancer (10.1.2.3) in front of nginx: both are skipped.
    assert client_address(_request(NGINX, "192.0.2.99, 203.0.113.1, 10.1.2.3")) == "203.0.113.1"
    # An entry that is not an address stops the walk at the last good one.
    assert client_address(_request(NGINX, "203.0.113.1, not-an-address")) == NGINX


def test_a_count_of_proxies_takes_that_many_steps_from_the_right(settings):
    settings.TRUSTED_PROXIES = 2
    assert client_address(_request(NGINX, "192.0.2.99, 203.0.113.1, 10.1.2.3")) == "203.0.113.1"
    assert client_address(_request(NGINX, "203.0.113.1:5123, 10.1.2.3")) == "203.0.113.1"
    assert client_address(_request(NGINX, "[2001:db8::1]:443, 10.1.2.3")) == "2001:db8::1"


@pytest.fixture
def fresh_cache():
    cache.clear()


def test_without_the_setting_a_spoofed_header_does_not_escape_the_limit(db, settings, fresh_cache):
    settings.TRUSTED_PROXIES = []
    for number in range(3):
        assert resident_links.start_guess(_request(NGINX, f"203.0.113.{number}"), PLAN_LINKS)
    assert not resident_links.start_guess(_request(NGINX, "203.0.113.200"), PLAN_LINKS)


def test_two_visitors_behind_one_trusted_proxy_are_counted_apart(db, settings, fresh_cache):
    settings.TRUSTED_PROXIES = 1
    for _ in range(3):
        assert resident_links.start_guess(_request(NGINX, "203.0.113.1"), PLAN_LINKS)
    assert resident_links.guessing_blocked(_request(NGINX, "203.0.113.1"), PLAN_LINKS)
    # Behind the same nginx, someone else still has all their tries.
    assert not resident_links.guessing_blocked(_request(NGINX, "203.0.113.2"), PLAN_LINKS)
    assert resident_links.start_guess(_request(NGINX, "203.0.113.2"), PLAN_LINKS)
    # Writing a fresh address in front of the real one gives no fresh tries.
    spoofed = _request(NGINX, "192.0.2.50, 203.0.113.1")
    assert not resident_links.start_guess(spoofed, PLAN_LINKS)
