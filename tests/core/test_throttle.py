from django.core.cache import cache

from doorstep.core import throttle, tokens


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
