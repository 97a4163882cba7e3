"""Django admin for Administrators: staff, teams and roles. Resident data is never shown here,
so every read of it goes through the audited pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Staff, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    list_filter = ["is_active", "groups", "teams"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["groups", "teams"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Roles and teams", {"fields": ["groups", "teams"]}),
        ("Access", {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
