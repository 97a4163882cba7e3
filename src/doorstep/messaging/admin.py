"""Text templates in the Django admin, for Administrators.

Messages and opt-outs are resident data and are never shown here: they are read only through
the audited pages. Saving goes through the same service as the templates pages, so the same
placeholder check and audit record apply.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import Template


class TemplateAdminForm(forms.ModelForm):
    class Meta:
        model = Template
        fields = ["name", "description", "body", "is_active"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Template.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"There is already a template called ‘{name}’")
        return name

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            services.check_template_body(body)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return body


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    form = TemplateAdminForm
    list_display = ["name", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "body"]

    def has_delete_permission(self, request, obj=None):
        return False  # texts already sent keep a link to their template: take it out of use

    def save_model(self, request, obj, form, change):
        saved = services.save_template(
            actor=request.user,
            template=Template.objects.get(pk=obj.pk) if change else None,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            body=form.cleaned_data["body"],
            request=request,
        )
        services.set_template_active(
            actor=request.user,
            template=saved,
            active=form.cleaned_data["is_active"],
            request=request,
        )
        obj.pk = saved.pk
