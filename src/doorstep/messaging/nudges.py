"""Conditions that cancel a reminder: other apps register them; messaging checks them at send time.

A condition is written "<name>:<id>", e.g. "evidence.request_complete:12". The app that owns the
thing registers the name in its AppConfig.ready():

    nudges.register_condition(
        "evidence.request_complete",
        is_met=lambda request_id: EvidenceRequest.objects.filter(pk=request_id, status="complete").exists(),
        label="the documents were sent",
    )

then schedules reminders with `messaging.services.schedule_nudge(..., condition=f"evidence.request_complete:{pk}")`
and, when the condition comes true, calls `messaging.services.cancel_nudges(condition=...)` so
the reminder is dropped straight away. The check at send time catches anything missed.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    name: str
    is_met: Callable[[str], bool]
    label: str


_CONDITIONS: dict[str, Condition] = {}


def register_condition(name: str, *, is_met: Callable[[str], bool], label: str) -> None:
    if ":" in name:
        raise ValueError("A condition name cannot contain ':'")
    _CONDITIONS[name] = Condition(name, is_met, label)


def _split(condition: str) -> tuple[Condition, str]:
    name, _, object_id = condition.partition(":")
    if name not in _CONDITIONS or not object_id:
        raise ValueError(f"Unknown nudge condition {condition!r}: register {name!r} first")
    return _CONDITIONS[name], object_id


def check_condition(condition: str) -> None:
    _split(condition)


def condition_is_met(condition: str) -> bool:
    """True when the reminder is no longer needed. An unknown condition cancels nothing."""
    try:
        registered, object_id = _split(condition)
    except ValueError:
        return False
    return registered.is_met(object_id)


def describe(condition: str) -> str:
    try:
        registered, _ = _split(condition)
    except ValueError:
        return condition
    return registered.label
