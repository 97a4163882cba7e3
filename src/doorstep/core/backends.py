from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Django's model backend, with permissions coming only from roles (groups).

    Doorstep never gives a permission to one person directly (core/roles.py is the one place
    that grants them), so the per-user permission query is skipped on every page.
    """

    def _get_user_permissions(self, user_obj):
        return user_obj.user_permissions.none()
