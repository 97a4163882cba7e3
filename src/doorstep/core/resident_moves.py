"""What a capability moves when two resident records are merged.

Each app that keeps rows for a resident registers a mover in its AppConfig.ready():

    register_mover("texts", lambda from_id, to_id: Message.objects.filter(
        resident_id=from_id).update(resident_id=to_id))

The merge calls every mover inside its transaction and lists the counts in its audit record.
"""

from collections.abc import Callable

_MOVERS: dict[str, Callable[[int, int], int]] = {}


def register_mover(label: str, move: Callable[[int, int], int]) -> None:
    """`move(from_resident_id, to_resident_id)` returns how many rows it moved."""
    _MOVERS[label] = move


def move_all(*, from_resident_id: int, to_resident_id: int) -> dict[str, int]:
    return {
        label: move(from_resident_id, to_resident_id) for label, move in sorted(_MOVERS.items())
    }
