"""Keep every worker together under the provider's rate: a token bucket kept in the database.

Texts wait for a token rather than fail. The bucket holds at most one token, so sending never
runs ahead of the rate in any window. A 429 from the provider halves the rate; each text sent
after that moves it back towards the configured rate.
"""

import time
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ProviderPace

MIN_RATE_PER_MINUTE = 6.0
RECOVERY_FACTOR = 1.02
BUCKET_SIZE = 1.0


def configured_rate(default_rate: float | None) -> float | None:
    """The rate to hold, in texts a minute: the setting if lower than the provider's limit."""
    rates = [rate for rate in (settings.SMS_RATE_PER_MINUTE, default_rate) if rate]
    return min(rates) if rates else None


def _pace(provider: str, rate: float) -> ProviderPace:
    pace, _ = ProviderPace.objects.select_for_update().get_or_create(
        provider=provider, defaults={"rate_per_minute": rate, "tokens": BUCKET_SIZE}
    )
    if not pace.rate_per_minute or pace.rate_per_minute > rate:
        pace.rate_per_minute = rate  # the configuration was lowered since
    return pace


def try_take(provider: str, rate: float, now: datetime | None = None) -> float:
    """Take a token if one is there (returns 0), else how many seconds until there will be one."""
    now = now or timezone.now()
    with transaction.atomic():
        pace = _pace(provider, rate)
        per_second = pace.rate_per_minute / 60
        elapsed = max(0.0, (now - pace.updated_at).total_seconds())
        tokens = min(BUCKET_SIZE, pace.tokens + elapsed * per_second)
        if tokens >= 1:
            tokens -= 1
            wait = 0.0
        else:
            wait = (1 - tokens) / per_second
        pace.tokens = tokens
        pace.updated_at = now
        pace.save(update_fields=["tokens", "updated_at", "rate_per_minute"])
        return wait


def take(provider: str, rate: float | None, sleep=time.sleep) -> float:
    """Wait for a token; returns the seconds spent waiting. No rate: no wait."""
    if not rate:
        return 0.0
    waited = 0.0
    while (wait := try_take(provider, rate)) > 0:
        sleep(wait)
        waited += wait
    return waited


def slow_down(provider: str, rate: float) -> float:
    """The provider said 429: halve our pace (not below a floor). Returns the new rate."""
    with transaction.atomic():
        pace = _pace(provider, rate)
        pace.rate_per_minute = max(MIN_RATE_PER_MINUTE, pace.rate_per_minute / 2)
        pace.tokens = min(pace.tokens, 0.0)
        pace.save(update_fields=["rate_per_minute", "tokens"])
        return pace.rate_per_minute


def recover(provider: str, rate: float) -> None:
    """A text went through: creep back towards the configured rate (one query when already there)."""
    if not ProviderPace.objects.filter(provider=provider, rate_per_minute__lt=rate).exists():
        return
    with transaction.atomic():
        pace = ProviderPace.objects.select_for_update().get(provider=provider)
        pace.rate_per_minute = min(rate, pace.rate_per_minute * RECOVERY_FACTOR)
        pace.save(update_fields=["rate_per_minute"])
