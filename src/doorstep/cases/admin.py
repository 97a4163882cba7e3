from django.contrib import admin

from .models import CaseType


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "reference_prefix", "default_team", "is_active"]
