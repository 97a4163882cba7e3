"""Bands are configuration Administrators keep in the admin site; changing one recomputes the
estimates, since a band's rank decides who is ahead of whom."""

from django.contrib import admin
from django.db import transaction

from .models import Band
from .tasks import recompute_estimates_task


@admin.register(Band)
class BandAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "description"]
    ordering = ["rank"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: recompute_estimates_task.enqueue())
