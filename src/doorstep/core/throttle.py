"""Counting guesses in a time window, atomically, so that no burst of requests gets past a limit.

Used wherever guessing must be slowed down: unknown resident links, wrong answers to a link's
second factor, register lookups, password resets. Count a guess *before* checking it:

    if not throttle.attempt(key, limit=5, window_seconds=3600):
        refuse without checking anything
    ... check the guess; if it was right and should not count, `throttle.refund(key)` ...

`attempt` adds one and reads the new count in a single atomic step, so of any number of
simultaneous guesses exactly `limit` are allowed in a window. (Checking a count first and adding
to it after the guess is checked lets every request in a burst see the old count.)

Where the counts live (decision 0014): in Redis when the cache is Redis (one INCR, the expiry set
only when the key is new); in the cache when it counts atomically itself (in-memory, memcached);
otherwise, as with the default file-based cache whose increment is a read then a write, in the
`GuessCounter` table, changed by one SQL statement that adds one and returns the new count.
"""

import datetime

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router
from django.db.models import F
from django.utils import timezone

from .models import GuessCounter


def attempt(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one guess against `key` and say whether it may be checked: False once more than
    `limit` guesses were counted in the window (which starts at the key's first guess)."""
    return hit(key, window_seconds=window_seconds) <= limit


def hit(key: str, *, window_seconds: int) -> int:
    """Add one to `key`, atomically, and return the new count."""
    return _store().hit(key, window_seconds)


def peek(key: str) -> int:
    """The guesses counted against `key` in its current window (0 when none), counting nothing."""
    return _store().peek(key)


def blocked(key: str, limit: int) -> bool:
    """Whether `key` has used up its `limit`: for showing a refusal early, never as the check
    that lets a guess through (use `attempt` for that)."""
    return peek(key) >= limit


def refund(key: str) -> None:
    """Take back one guess counted by `attempt` that turned out not to be a guess (a known link,
    a right answer). Never takes the count below zero."""
    _store().refund(key)


# Kept while callers move to `attempt`: checking `reached` and then calling `count` after the
# guess is checked lets simultaneous requests all pass the check.
def count(key: str, window_seconds: int) -> None:
    hit(key, window_seconds=window_seconds)


def reached(key: str, limit: int) -> bool:
    return blocked(key, limit)


# --- Stores ---------------------------------------------------------------------------------


class _RedisStore:
    # One script runs atomically in Redis. The expiry is set only when the key has none (it is
    # new), so later guesses never push the end of the window back.
    HIT = (
        "local n = redis.call('INCR', KEYS[1]) "
        "if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
        "return n"
    )
    REFUND = (
        "local n = tonumber(redis.call('GET', KEYS[1]) or '0') "
        "if n > 0 then return redis.call('DECR', KEYS[1]) end return 0"
    )

    def __init__(self, backend: RedisCache):
        self.backend = backend

    def _run(self, script: str, key: str, *args) -> int:
        full_key = self.backend.make_and_validate_key(key)
        client = self.backend._cache.get_client(full_key, write=True)
        return int(client.eval(script, 1, full_key, *args))

    def hit(self, key: str, window_seconds: int) -> int:
        return self._run(self.HIT, key, int(window_seconds))

    def peek(self, key: str) -> int:
        return int(self.backend.get(key) or 0)

    def refund(self, key: str) -> None:
        self._run(self.REFUND, key)


class _CacheStore:
    """A cache whose own `add` and `incr` are atomic (in-memory: under a lock; memcached)."""

    def __init__(self, backend):
        self.backend = backend

    def hit(self, key: str, window_seconds: int) -> int:
        while True:
            try:
                return self.backend.incr(key)
            except ValueError:  # no count yet (or it just expired): start one, unless beaten
                if self.backend.add(key, 1, window_seconds):
                    return 1

    def peek(self, key: str) -> int:
        return int(self.backend.get(key) or 0)

    def refund(self, key: str) -> None:
        try:
            if self.backend.decr(key) < 0:
                self.backend.incr(key)
        except ValueError:  # expired meanwhile: nothing to give back
            pass


class _DatabaseStore:
    """The `GuessCounter` table: one INSERT … ON CONFLICT DO UPDATE … RETURNING statement adds
    one (or starts a new window when the old one is over) and returns the count, atomically on
    SQLite (3.35 or later) and PostgreSQL alike."""

    def __init__(self):
        self.alias = router.db_for_write(GuessCounter)

    def _sql(self) -> str:
        connection = connections[self.alias]
        table, name = connection.ops.quote_name(GuessCounter._meta.db_table), {}
        for field in ("key", "hits", "expires_at"):
            name[field] = connection.ops.quote_name(GuessCounter._meta.get_field(field).column)
        key, hits, expires = name["key"], name["hits"], name["expires_at"]
        over = f"{table}.{expires} <= %s"
        # Only quoted table and column names are put in; every value is a parameter.
        return (
            f"INSERT INTO {table} ({key}, {hits}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET "
            f"{hits} = CASE WHEN {over} THEN 1 ELSE {table}.{hits} + 1 END, "
            f"{expires} = CASE WHEN {over} THEN excluded.{expires} ELSE {table}.{expires} END "
            f"RETURNING {hits}"
        )

    def hit(self, key: str, window_seconds: int) -> int:
        connection = connections[self.alias]
        now = timezone.now()
        until = now + datetime.timedelta(seconds=window_seconds)
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.execute(self._sql(), [key, adapt(until), adapt(now), adapt(now)])
            hits = cursor.fetchone()[0]
        if hits == 1:  # a new window: a good moment to clear away the finished ones
            GuessCounter.objects.using(self.alias).filter(expires_at__lte=now).delete()
        return hits

    def peek(self, key: str) -> int:
        current = GuessCounter.objects.using(self.alias).filter(
            key=key, expires_at__gt=timezone.now()
        )
        return current.values_list("hits", flat=True).first() or 0

    def refund(self, key: str) -> None:
        GuessCounter.objects.using(self.alias).filter(
            key=key, expires_at__gt=timezone.now(), hits__gt=0
        ).update(hits=F("hits") - 1)


def _store():
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        return _RedisStore(backend)
    if isinstance(backend, LocMemCache | BaseMemcachedCache):
        return _CacheStore(backend)
    return _DatabaseStore()
