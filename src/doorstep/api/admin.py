"""API tokens in the Django admin: seen and revoked, never added or edited there.

Tokens are issued on their own pages (/integrations/), where the token is shown once. Revoking
here goes through `services.revoke_token`, which writes the audit record.
"""

from django.contrib import admin, messages

from . import services
from .models import ApiToken

PERMISSION = "api.manage_api_tokens"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke_tokens"]

    @admin.display(description="Scopes")
    def scope_list(self, token: ApiToken) -> str:
        return ", ".join(token.scope_labels) or "none"

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["manage"])
    def revoke_tokens(self, request, queryset) -> None:
        revoked = [
            token.name
            for token in queryset
            if services.revoke_token(actor=request.user, token=token, request=request)
        ]
        if revoked:
            self.message_user(request, "Revoked the tokens for " + ", ".join(revoked))
        else:
            self.message_user(request, "Those tokens were already revoked", messages.INFO)
