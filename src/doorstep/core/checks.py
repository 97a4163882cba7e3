"""Start-up checks (`manage.py check`, runserver, migrate) for the keys nothing works without."""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from doorstep.evidence.storage import refuse_new_key_over_files


@checks.register(checks.Tags.security)
def evidence_key_present(app_configs=None, **kwargs):
    if settings.EVIDENCE_STORAGE != "local" or settings.EVIDENCE_ENCRYPTION_KEYS:
        return []
    key_file = Path(settings.EVIDENCE_KEY_FILE)
    if key_file.exists():
        return []
    try:
        refuse_new_key_over_files(key_file)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="doorstep.E001")]
    return []


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
