import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from freezegun import freeze_time

from doorstep.core import throttle, tokens
from doorstep.core.models import GuessCounter


def test_attempts_are_counted_until_the_limit(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.delete("test:throttle")
    for _ in range(2):
        throttle.count("test:throttle", 60)
    assert not throttle.reached("test:throttle", 3)
    throttle.count("test:throttle", 60)
    assert throttle.reached("test:throttle", 3)
    assert not throttle.reached("test:other", 1)


def test_tokens_are_random_and_stored_as_a_hash():
    first, second = tokens.new_token(), tokens.new_token()
    assert first != second and len(first) >= 43
    assert tokens.hash_token(first) == tokens.hash_token(first)
    assert tokens.hash_token(first) != tokens.hash_token(second)
    assert first not in tokens.hash_token(first) and len(tokens.hash_token(first)) == 64


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "x"}}
FILES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}}


@pytest.fixture(params=["memory", "database"])
def store(request, settings, db, tmp_path):
    """Each store `throttle` counts in: the in-memory cache, and the database table used
    with the default file-based cache."""
    if request.param == "memory":
        settings.CACHES = LOCMEM
    else:
        settings.CACHES = {"default": {**FILES["default"], "LOCATION": str(tmp_path)}}
    cache.clear()
    return request.param


def test_an_attempt_is_counted_before_it_is_allowed(store):
    answers = [throttle.attempt("test:attempt", limit=3, window_seconds=60) for _ in range(5)]
    assert answers == [True, True, True, False, False]
    assert throttle.peek("test:attempt") == 5
    assert throttle.blocked("test:attempt", 3)
    assert throttle.peek("test:unused") == 0 and not throttle.blocked("test:unused", 1)
    if store == "database":
        assert GuessCounter.objects.get(key="test:attempt").hits == 5
        assert cache.get("test:attempt") is None  # not in the file cache


def test_the_window_starts_at_the_first_attempt_and_is_not_pushed_back(store):
    start = timezone.now()
    with freeze_time(start):
        for _ in range(3):
            throttle.attempt("test:window", limit=3, window_seconds=60)
    with freeze_time(start + datetime.timedelta(seconds=59)):
        assert not throttle.attempt("test:window", limit=3, window_seconds=60)
    with freeze_time(start + datetime.timedelta(seconds=61)):
        assert throttle.peek("test:window") == 0
        assert throttle.attempt("test:window", limit=3, window_seconds=60)
        assert throttle.peek("test:window") == 1


def test_a_refund_gives_back_one_guess_and_never_goes_below_zero(store):
    throttle.attempt("test:refund", limit=1, window_seconds=60)
    throttle.refund("test:refund")
    assert throttle.peek("test:refund") == 0
    throttle.refund("test:refund")
    throttle.refund("test:never")
    assert throttle.peek("test:refund") == 0 and throttle.peek("test:never") == 0
    assert throttle.attempt("test:refund", limit=1, window_seconds=60)
