"""Counting attempts in a time window, in the shared cache (Redis, or files: decision 0007).

Used where guessing must be slowed down: unknown resident links, register lookups.
"""

from django.core.cache import cache


def count(key: str, window_seconds: int) -> None:
    """Add one attempt to `key`; the count starts afresh `window_seconds` after the first."""
    cache.add(key, 0, window_seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)


def reached(key: str, limit: int) -> bool:
    return (cache.get(key) or 0) >= limit
