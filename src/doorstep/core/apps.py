from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .roles import sync_roles

    sync_roles()


class CoreConfig(AppConfig):
    name = "doorstep.core"
    label = "core"
    verbose_name = "Doorstep core"

    def ready(self):
        # Roles are configuration kept in code: every migrate brings the groups up to date.
        post_migrate.connect(_sync_roles, dispatch_uid="doorstep.sync_roles")
        from . import checks  # noqa: F401 - registers the start-up checks for the keys
