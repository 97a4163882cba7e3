"""A throwaway Doorstep site for tests that start real processes (workers, gunicorn)."""

import os
import subprocess  # noqa: S404 - starts this interpreter with Django's own commands
import sys
from pathlib import Path

DJANGO = [sys.executable, "-m", "django"]
# Settings the test run itself uses that a separate site must not inherit.
NOT_INHERITED = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "TASKS_BACKEND")


def site_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a site with its own SQLite file and default cache, migrated."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        DOORSTEP_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="doorstep.settings",
        LOG_LEVEL="ERROR",
        **extra,
    )
    subprocess.run([*DJANGO, "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
    return env
