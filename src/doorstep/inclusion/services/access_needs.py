"""How a resident wants to be contacted, and the help they need to be online."""

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit, timeline
from doorstep.residents.models import Resident

from ..models import (
    AccessNeeds,
)
from .rules import _choices, _is_staff, _raise, _text


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
    errors: dict = {}
    names = dict(AccessNeeds.Channel.choices)
    channels = _choices(errors, "channels", channels, names, what="ways of contact", required=False)
    language = _text(errors, "language", language, limit=60, what="The language")
    accessibility_needs = _text(
        errors, "accessibility_needs", accessibility_needs, what="Accessibility needs"
    )
    _raise(errors)
    needs, _ = AccessNeeds.objects.select_for_update().get_or_create(resident=resident)
    needs.channels = channels
    needs.needs_help_online = needs_help_online
    needs.language = language
    needs.accessibility_needs = accessibility_needs
    needs.updated_at = timezone.now()
    needs.updated_by = actor if _is_staff(actor) else None
    needs.save()
    audit.record(
        actor=actor,
        action="update",
        object_type="access_needs",
        object_id=needs.pk,
        resident_id=resident.pk,
        fields=["channels", "needs_help_online", "language", "accessibility_needs"],
        request=request,
    )
    timeline.add_event(
        resident_id=resident.pk,
        kind="digital_help",
        actor=actor,
        summary="Contact and access needs updated",
        source=needs,
    )
    return needs
