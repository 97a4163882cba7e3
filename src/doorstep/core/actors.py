"""Who did something: a signed-in member of staff, the resident through their link, or the system.

Services take an `actor` that is either a staff user, None (the system) or a plain label such as
"the resident". These helpers are the one place that tells them apart.
"""

from django.db.models import Model


def is_staff(actor) -> bool:
    """True for a signed-in member of staff (any role, Digital Friends included)."""
    return bool(getattr(actor, "is_authenticated", False))


def staff_or_none(actor):
    """The user to store in an `actor`/`created_by` field: staff, or None for anyone else."""
    return actor if is_staff(actor) else None


def label(actor, *, default: str = "the system") -> str:
    """A person-readable name for the actor, as kept beside a record (at most 200 characters)."""
    if is_staff(actor):
        return (actor.full_name or actor.email)[:200]
    return str(actor)[:200] if actor else default


def first_team(actor) -> Model | None:
    """The team work is counted for when a person acts: their first team by name."""
    return actor.teams.order_by("name").first() if is_staff(actor) else None
