"""Every change to a resident's record goes through here: validated, atomic, audited, on the timeline."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit, timeline
from doorstep.core.validators import (
    normalise_ni_number,
    normalise_phone,
    normalise_postcode,
    parse_phone,
)

from .models import ExternalIdentifier, Flag, Household, HouseholdMember, Note, Phone, Resident

# Plain fields that callers may set directly; phones and identifiers have their own rules.
EDITABLE_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "national_insurance_number",
    "email",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "language",
    "needs_interpreter",
    "preferred_contact",
    "consents_to_text",
]
FIELD_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "date_of_birth": "date of birth",
    "national_insurance_number": "National Insurance number",
    "email": "e-mail address",
    "postcode": "postcode",
    "phones": "phone numbers",
}


def clean_resident_data(
    data: Mapping[str, Any], *, partial: bool = False, resident: Resident | None = None
) -> dict[str, Any]:
    """Check and normalise resident fields, collecting every problem before raising.

    With partial=True only the given fields are checked (for PATCH-style changes).
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(EDITABLE_FIELDS) - {"phones"}
    for name in sorted(unknown):
        errors.setdefault(name, []).append(f"'{name}' is not a field of a resident record")

    def present(name: str) -> bool:
        return name in data or not partial

    for name in ("first_name", "last_name"):
        if present(name):
            value = (data.get(name) or "").strip()
            if not value:
                errors.setdefault(name, []).append(f"Enter the resident's {FIELD_LABELS[name]}")
            elif len(value) > 100:
                errors.setdefault(name, []).append(
                    f"The {FIELD_LABELS[name]} must be 100 characters or fewer"
                )
            cleaned[name] = value
    for name in ("title", "preferred_name", "address_line_1", "address_line_2", "town", "language"):
        if name in data:
            cleaned[name] = (data.get(name) or "").strip()
    if "date_of_birth" in data:
        value = data.get("date_of_birth")
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value) if value else None
            except ValueError:
                errors.setdefault("date_of_birth", []).append(
                    "Date of birth must be a real date, like 1980-02-01"
                )
                value = None
        if value and value > timezone.localdate():
            errors.setdefault("date_of_birth", []).append("Date of birth must be in the past")
        elif value and value.year < 1900:
            errors.setdefault("date_of_birth", []).append("Date of birth must be after 1900")
        cleaned["date_of_birth"] = value
    if "national_insurance_number" in data:
        value = (data.get("national_insurance_number") or "").strip()
        try:
            cleaned["national_insurance_number"] = normalise_ni_number(value) if value else ""
        except ValidationError as error:
            errors.setdefault("national_insurance_number", []).extend(error.messages)
        else:
            number = cleaned["national_insurance_number"]
            taken = Resident.objects.filter(national_insurance_number=number, merged_into=None)
            if resident is not None:
                taken = taken.exclude(pk=resident.pk)
            if number and taken.exists():
                errors.setdefault("national_insurance_number", []).append(
                    "Another resident already has this National Insurance number"
                )
    if "email" in data:
        value = (data.get("email") or "").strip()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                errors.setdefault("email", []).append(
                    "Enter an e-mail address in the correct format, like name@example.com"
                )
        cleaned["email"] = value.lower()
    if "postcode" in data:
        value = (data.get("postcode") or "").strip()
        try:
            cleaned["postcode"] = normalise_postcode(value) if value else ""
        except ValidationError as error:
            errors.setdefault("postcode", []).extend(error.messages)
    for name in ("needs_interpreter", "consents_to_text"):
        if name in data:
            cleaned[name] = bool(data.get(name))
    if "preferred_contact" in data:
        value = data.get("preferred_contact") or Resident.ContactMethod.TEXT
        if value not in Resident.ContactMethod.values:
            errors.setdefault("preferred_contact", []).append(
                "Choose how the resident prefers to be contacted"
            )
        cleaned["preferred_contact"] = value
    if "phones" in data:
        numbers: list[str] = []
        for position, raw in enumerate(data.get("phones") or [], start=1):
            try:
                number = normalise_phone(str(raw))
            except ValidationError as error:
                errors.setdefault("phones", []).append(
                    f"Phone number {position} ('{raw}'): {error.messages[0]}"
                )
                continue
            if number not in numbers:
                numbers.append(number)
        cleaned["phones"] = numbers
    if errors:
        raise ValidationError(errors)
    return cleaned


# The fields whose change can make a record look like another person's.
DUPLICATE_FIELDS = {"first_name", "last_name", "date_of_birth", "phones"}


def _flag_possible_duplicates(resident: Resident) -> None:
    from .merging import flag_possible_duplicates  # merging builds on this module

    flag_possible_duplicates(resident_id=resident.pk)


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
    audit.record(
        actor=actor,
        action="create",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        fields=[*cleaned, *(["phones"] if phones else [])],
        detail=f"Imported from {source}" if source else "",
        request=request,
    )
    timeline.add_event(
        resident_id=resident.pk,
        kind="record",
        actor=actor,
        summary=f"Record created from {source}" if source else "Record created",
    )
    if check_duplicates:
        _flag_possible_duplicates(resident)
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
    audit.record(
        actor=actor,
        action="update",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        fields=changed,
        request=request,
    )
    labels = ", ".join(FIELD_LABELS.get(name, name.replace("_", " ")) for name in changed)
    timeline.add_event(
        resident_id=resident.pk, kind="record", actor=actor, summary=f"Changed {labels}"
    )
    if check_duplicates and DUPLICATE_FIELDS.intersection(changed):
        _flag_possible_duplicates(resident)
    return changed


@transaction.atomic
def add_note(*, actor, resident: Resident, body: str, request: HttpRequest | None = None) -> Note:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Enter the note"]})
    if len(body) > 10_000:
        raise ValidationError({"body": ["The note must be 10,000 characters or fewer"]})
    note = Note.objects.create(resident=resident, body=body, author=actor)
    audit.record(
        actor=actor,
        action="create",
        object_type="note",
        object_id=note.pk,
        resident_id=resident.pk,
        fields=["body"],
        request=request,
    )
    timeline.add_event(
        resident_id=resident.pk,
        kind="note",
        actor=actor,
        summary="Note added",
        body=body,
        source=note,
    )
    return note


@transaction.atomic
def add_flag(
    *, actor, resident: Resident, kind: str, description: str, request: HttpRequest | None = None
) -> Flag:
    description = (description or "").strip()
    errors = {}
    if kind not in Flag.Kind.values:
        errors["kind"] = ["Choose the kind of flag"]
    if not description:
        errors["description"] = ["Describe why the flag is needed"]
    if errors:
        raise ValidationError(errors)
    flag = Flag.objects.create(
        resident=resident, kind=kind, description=description, created_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        object_type="flag",
        object_id=flag.pk,
        resident_id=resident.pk,
        fields=["kind", "description"],
        request=request,
    )
    timeline.add_event(
        resident_id=resident.pk,
        kind="record",
        actor=actor,
        summary=f"{flag.get_kind_display()} flag added",
        body=description,
    )
    return flag


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


@transaction.atomic
def add_household_member(
    *,
    actor,
    resident: Resident,
    member: Resident,
    relationship: str,
    request: HttpRequest | None = None,
) -> HouseholdMember:
    """Put `member` in `resident`'s household, starting one if the resident has none."""
    if relationship not in HouseholdMember.Relationship.values:
        raise ValidationError({"relationship": ["Choose how they are related"]})
    if member.pk == resident.pk:
        raise ValidationError(
            {"member": ["A resident cannot be added to their own household twice"]}
        )
    if member.merged_into_id:
        raise ValidationError(
            {"member": ["That record was merged into another: use the other record"]}
        )
    if HouseholdMember.objects.filter(resident=member).exists():
        raise ValidationError({"member": [f"{member.full_name} is already in a household"]})
    lead = HouseholdMember.objects.filter(resident=resident).select_related("household").first()
    if lead is None:
        household = Household.objects.create(name=f"{resident.last_name} household")
        HouseholdMember.objects.create(
            household=household, resident=resident, relationship=HouseholdMember.Relationship.LEAD
        )
    else:
        household = lead.household
    membership = HouseholdMember.objects.create(
        household=household, resident=member, relationship=relationship
    )
    for person in (resident, member):
        audit.record(
            actor=actor,
            action="update",
            object_type="household",
            object_id=household.pk,
            resident_id=person.pk,
            fields=["household"],
            request=request,
        )
    summary = (
        f"{member.full_name} joined the household ({membership.get_relationship_display().lower()})"
    )
    timeline.add_event(resident_id=resident.pk, kind="record", actor=actor, summary=summary)
    timeline.add_event(
        resident_id=member.pk,
        kind="record",
        actor=actor,
        summary=f"Joined {resident.full_name}'s household",
    )
    return membership


@transaction.atomic
def remove_household_member(
    *, actor, membership: HouseholdMember, request: HttpRequest | None = None
) -> None:
    household, person = membership.household, membership.resident
    membership.delete()
    audit.record(
        actor=actor,
        action="update",
        object_type="household",
        object_id=household.pk,
        resident_id=person.pk,
        fields=["household"],
        request=request,
    )
    timeline.add_event(
        resident_id=person.pk, kind="record", actor=actor, summary="Left the household"
    )
    if not household.members.exists():
        household.delete()
