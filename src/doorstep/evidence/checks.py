"""Start-up check (`manage.py check`, runserver, migrate): stored documents need their key."""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .storage import refuse_new_key_over_files


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
