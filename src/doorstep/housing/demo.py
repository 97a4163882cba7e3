"""Demo data for the waiting-time pages: lettings and register figures, some demo residents
linked to register applications, and the estimates worked out from them. Called by
`manage.py seed_demo`, through the same command an administrator runs (`seed_lettings`)."""

import io

from django.core.management import call_command


def seed(*, seed: int, staff, newest: int) -> str:
    """The seed_demo hook: `seed_lettings` with its usual options and the same seed."""
    out = io.StringIO()
    call_command("seed_lettings", "--seed", str(seed), stdout=out)
    return out.getvalue().rstrip("\n")
