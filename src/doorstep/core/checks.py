"""Start-up checks (`manage.py check`, runserver, migrate) for the audit key.

The evidence app checks its own key (evidence/checks.py)."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def audit_key_present(app_configs=None, **kwargs):
    if settings.AUDIT_KEY or settings.DEBUG:
        return []  # with DEBUG on, the key file is made on first use
    path = Path(settings.AUDIT_KEY_FILE)
    if path.exists() and path.read_text().strip():
        return []
    return [
        checks.Warning(
            "No audit key (AUDIT_KEY or AUDIT_KEY_FILE): audit records are written but not "
            "sealed, and verify_audit cannot run. Restore the key, or make one for a new "
            "installation.",
            id="doorstep.W001",
        )
    ]
