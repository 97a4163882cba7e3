"""Creating and changing a resident's record, and auditing each staff read of it."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit
from doorstep.core.changes import Timeline
from doorstep.core.validators import parse_phone

from ..changes import record_resident_change
from ..merging import flag_possible_duplicates
from ..models import ExternalIdentifier, Phone, Resident
from ..validation import DUPLICATE_FIELDS, FIELD_LABELS, clean_resident_data


def _set_phones(resident: Resident, numbers: Iterable[str]) -> None:
    numbers = list(numbers)
    resident.phones.exclude(number__in=numbers).delete()
    existing = set(resident.phones.values_list("number", flat=True))
    for number in numbers:
        if number not in existing:
            Phone.objects.create(
                resident=resident, number=number, is_mobile=parse_phone(number).is_mobile
            )
    resident.phones.update(is_primary=False)
    if numbers:
        resident.phones.filter(number=numbers[0]).update(is_primary=True)


@transaction.atomic
def create_resident(
    *,
    actor,
    data: Mapping[str, Any],
    identifiers: Iterable[tuple[str, str]] = (),
    request: HttpRequest | None = None,
    source: str = "",
    check_duplicates: bool = True,
) -> Resident:
    """Create a record; unless told not to (a bulk import counts them itself), record any
    existing residents it may duplicate for an Administrator to review."""
    cleaned = clean_resident_data(data)
    phones = cleaned.pop("phones", [])
    resident = Resident(**cleaned)
    if resident.consents_to_text:
        resident.text_consent_recorded_at = timezone.now()
    resident.save()
    _set_phones(resident, phones)
    for id_source, value in identifiers:
        ExternalIdentifier.objects.create(resident=resident, source=id_source, value=value)
    record_resident_change(
        actor=actor,
        action="create",
        resident=resident,
        fields=[*cleaned, *(["phones"] if phones else [])],
        summary=f"Imported from {source}" if source else "",
        request=request,
        timeline_event=Timeline(
            kind="record",
            summary=f"Record created from {source}" if source else "Record created",
        ),
    )
    if check_duplicates:
        flag_possible_duplicates(resident_id=resident.pk)
    return resident


@transaction.atomic
def update_resident(
    *,
    actor,
    resident: Resident,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
    check_duplicates: bool = True,
) -> list[str]:
    """Apply the given fields; returns the names of the fields that really changed."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    cleaned = clean_resident_data(data, partial=True, resident=resident)
    changed = []
    phones = cleaned.pop("phones", None)
    for name, value in cleaned.items():
        if getattr(resident, name) != value:
            setattr(resident, name, value)
            changed.append(name)
    if "consents_to_text" in changed:
        resident.text_consent_recorded_at = timezone.now()
    if phones is not None and phones != list(resident.phones.values_list("number", flat=True)):
        _set_phones(resident, phones)
        changed.append("phones")
    if not changed:
        return []
    resident.save()
    labels = ", ".join(FIELD_LABELS.get(name, name.replace("_", " ")) for name in changed)
    record_resident_change(
        actor=actor,
        action="update",
        resident=resident,
        fields=changed,
        request=request,
        timeline_event=Timeline(kind="record", summary=f"Changed {labels}"),
    )
    if check_duplicates and DUPLICATE_FIELDS.intersection(changed):
        flag_possible_duplicates(resident_id=resident.pk)
    return changed


def record_view(*, actor, resident: Resident, request: HttpRequest | None = None) -> None:
    """Every staff read of a resident's record is audited."""
    audit.record(
        actor=actor,
        action="view",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        request=request,
    )


def record_search(*, actor, results: list, request: HttpRequest | None = None) -> None:
    """A staff search of the residents is audited with how many it found."""
    audit.record(
        actor=actor,
        action="search",
        object_type="resident",
        detail=f"{len(results)} results",
        request=request,
    )
