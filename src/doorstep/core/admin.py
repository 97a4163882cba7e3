"""Django admin for Administrators: staff, teams and roles. Resident data is never shown here,
so every read of it goes through the audited pages.

Every add, change and delete made here writes an audit record like any other change, naming
the fields changed, their old and new values, and the roles and teams added or removed.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from . import changes
from .models import Staff, Team

# Fields whose values never go into the audit log, only the fact that they changed.
SECRET_FIELDS = frozenset({"password"})


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in (None, ""):
        return "(none)"
    return str(value)


def _related_change(label: str, before, after) -> str:
    before = {item.pk: str(item) for item in before or ()}
    after = {item.pk: str(item) for item in after or ()}
    parts = []
    added = sorted(after[pk] for pk in after.keys() - before.keys())
    removed = sorted(before[pk] for pk in before.keys() - after.keys())
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return f"{label}: {'; '.join(parts)}" if parts else ""


def describe_changes(form: forms.ModelForm) -> tuple[list[str], list[str]]:
    """The model fields a saved admin form changed, and a sentence for each change."""
    model = form._meta.model
    names, sentences = [], []
    for name in form.changed_data:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a form-only field, like the two password boxes when adding someone
        label = str(field.verbose_name).capitalize()
        before, after = form.initial.get(name), form.cleaned_data.get(name)
        if isinstance(field, models.ManyToManyField):
            sentence = _related_change(label, before, after)
        elif name in SECRET_FIELDS:
            sentence = f"{label} changed"
        else:
            sentence = f"{label}: {_shown(before)} → {_shown(after)}"
        if sentence:
            names.append(name)
            sentences.append(sentence)
    return names, sentences


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds, changes (many-to-many too) and deletes are audited.

    The admin saves inside one transaction, so the record is written with the change or not at
    all. Many-to-many fields are saved in `save_related`, so the record is written there.
    """

    audit_object_type = ""

    def object_type(self) -> str:
        return self.audit_object_type or self.model._meta.model_name

    def _record(self, request, obj, *, action: str, summary: str, fields=()) -> None:
        changes.record_change(
            actor=request.user,
            action=action,
            object_type=self.object_type(),
            object_id=obj.pk,
            summary=summary,
            fields=fields,
            request=request,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj, noun = form.instance, self.model._meta.verbose_name
        names, sentences = describe_changes(form)
        if not change:
            summary = f"Added {noun} {obj} in the admin"
            self._record(request, obj, action="create", summary=summary, fields=names)
        elif names:
            summary = f"Changed {noun} {obj} in the admin. " + ". ".join(sentences)
            self._record(request, obj, action="update", summary=summary, fields=names)

    def delete_model(self, request, obj):
        self._audit_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _audit_deletion(self, request, obj) -> None:
        summary = f"Deleted {self.model._meta.verbose_name} {obj} in the admin"
        self._record(request, obj, action="delete", summary=summary)


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Staff)
class StaffAdmin(AuditedModelAdmin, UserAdmin):
    audit_object_type = "staff"
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

    def log_change(self, request, obj, message):
        # The password page saves outside the change form: audit it here (never the password).
        if request.resolver_match and request.resolver_match.url_name.endswith("_password_change"):
            self._record(
                request,
                obj,
                action="update",
                summary=f"Set a new password for staff member {obj} in the admin",
                fields=["password"],
            )
        return super().log_change(request, obj, message)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(AuditedModelAdmin, GroupAdmin):
    """Roles are groups; `core.roles` re-applies their permissions on every migrate."""

    audit_object_type = "role"
