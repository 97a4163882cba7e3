"""The catalogue of document types in the Django admin, for Administrators.

Requests, documents and files are resident data and are never shown here: they are read only
through the audited pages.
"""

from django.contrib import admin

from .models import DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "max_files", "several_pages", "has_expiry", "retention_days", "active"]
    list_filter = ["active", "has_expiry", "several_pages", "default_team"]
    search_fields = ["name", "guidance"]
    fields = [*DocumentType.EDITABLE_FIELDS, "active"]

    def has_delete_permission(self, request, obj=None):
        # Requests point at types; take one out of use instead.
        return False
