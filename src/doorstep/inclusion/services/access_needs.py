"""How a resident wants to be contacted, and the help they need to be online."""

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import actors
from doorstep.core.changes import Timeline, record_change
from doorstep.residents.models import Resident

from ..models import AccessNeeds
from .rules import Errors


@transaction.atomic
def save_access_needs(
    *,
    actor,
    resident: Resident,
    channels: Iterable[str],
    needs_help_online: bool,
    language: str = "",
    accessibility_needs: str = "",
    request: HttpRequest | None = None,
) -> AccessNeeds:
    errors = Errors()
    names = dict(AccessNeeds.Channel.choices)
    channels = errors.choices("channels", channels, names, what="ways of contact", required=False)
    language = errors.text("language", language, limit=60, what="The language")
    accessibility_needs = errors.text(
        "accessibility_needs", accessibility_needs, what="Accessibility needs"
    )
    errors.raise_any()
    needs, _ = AccessNeeds.objects.select_for_update().get_or_create(resident=resident)
    needs.channels = channels
    needs.needs_help_online = needs_help_online
    needs.language = language
    needs.accessibility_needs = accessibility_needs
    needs.updated_at = timezone.now()
    needs.updated_by = actors.staff_or_none(actor)
    needs.save()
    record_change(
        actor=actor,
        action="update",
        object_type="access_needs",
        object_id=needs.pk,
        resident_id=resident.pk,
        fields=["channels", "needs_help_online", "language", "accessibility_needs"],
        request=request,
        timeline_event=Timeline(
            kind="digital_help", summary="Contact and access needs updated", source=needs
        ),
    )
    return needs
