"""Start-up checks (`manage.py check`, runserver, migrate) for the audit key, and deploy checks
(`manage.py check --deploy`) for what a live service must not run without.

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


@checks.register(checks.Tags.security, deploy=True)
def virus_scanner_configured(app_configs=None, **kwargs):
    if settings.DEBUG or settings.CLAMD_SOCKET or settings.CLAMD_HOST:
        return []
    return [
        checks.Warning(
            "No virus scanner (CLAMD_SOCKET or CLAMD_HOST): uploaded evidence is not scanned "
            "for viruses before staff open it.",
            hint="Install clamav-daemon and set CLAMD_SOCKET (see docs/deployment.md).",
            id="doorstep.W002",
        )
    ]
