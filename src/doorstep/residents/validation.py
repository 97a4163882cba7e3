"""The rules for a resident's fields, shared by the forms, the API, imports and merges."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from doorstep.core.validators import normalise_ni_number, normalise_phone, normalise_postcode

from .models import Resident

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
# The fields whose change can make a record look like another person's.
DUPLICATE_FIELDS = {"first_name", "last_name", "date_of_birth", "phones"}

_FREE_TEXT = ("title", "preferred_name", "address_line_1", "address_line_2", "town", "language")


class _Cleaning:
    """The values checked so far and every problem found, by field."""

    def __init__(self, data: Mapping[str, Any], resident: Resident | None):
        self.data = data
        self.resident = resident
        self.cleaned: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}

    def error(self, name: str, *messages: str) -> None:
        self.errors.setdefault(name, []).extend(messages)

    def text(self, name: str) -> str:
        return (self.data.get(name) or "").strip()


def clean_resident_data(
    data: Mapping[str, Any], *, partial: bool = False, resident: Resident | None = None
) -> dict[str, Any]:
    """Check and normalise resident fields, collecting every problem before raising.

    With partial=True only the given fields are checked (for PATCH-style changes).
    """
    step = _Cleaning(data, resident)
    unknown = set(data) - set(EDITABLE_FIELDS) - {"phones"}
    for name in sorted(unknown):
        step.error(name, f"'{name}' is not a field of a resident record")
    for name in ("first_name", "last_name"):
        if name in data or not partial:
            _clean_name(step, name)
    for name in _FREE_TEXT:
        if name in data:
            step.cleaned[name] = step.text(name)
    for name, clean in _CLEANERS:
        if name in data:
            clean(step)
    if step.errors:
        raise ValidationError(step.errors)
    return step.cleaned


def _clean_name(step: _Cleaning, name: str) -> None:
    value = step.text(name)
    if not value:
        step.error(name, f"Enter the resident's {FIELD_LABELS[name]}")
    elif len(value) > 100:
        step.error(name, f"The {FIELD_LABELS[name]} must be 100 characters or fewer")
    step.cleaned[name] = value


def _clean_date_of_birth(step: _Cleaning) -> None:
    value = step.data.get("date_of_birth")
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value) if value else None
        except ValueError:
            step.error("date_of_birth", "Date of birth must be a real date, like 1980-02-01")
            value = None
    if value and value > timezone.localdate():
        step.error("date_of_birth", "Date of birth must be in the past")
    elif value and value.year < 1900:
        step.error("date_of_birth", "Date of birth must be after 1900")
    step.cleaned["date_of_birth"] = value


def _clean_ni_number(step: _Cleaning) -> None:
    name = "national_insurance_number"
    value = step.text(name)
    try:
        number = normalise_ni_number(value) if value else ""
    except ValidationError as error:
        step.error(name, *error.messages)
        return
    step.cleaned[name] = number
    taken = Resident.objects.filter(national_insurance_number=number, merged_into=None)
    if step.resident is not None:
        taken = taken.exclude(pk=step.resident.pk)
    if number and taken.exists():
        step.error(name, "Another resident already has this National Insurance number")


def _clean_email(step: _Cleaning) -> None:
    value = step.text("email")
    if value:
        try:
            validate_email(value)
        except ValidationError:
            step.error(
                "email", "Enter an e-mail address in the correct format, like name@example.com"
            )
    step.cleaned["email"] = value.lower()


def _clean_postcode(step: _Cleaning) -> None:
    value = step.text("postcode")
    try:
        step.cleaned["postcode"] = normalise_postcode(value) if value else ""
    except ValidationError as error:
        step.error("postcode", *error.messages)


def _clean_yes_no(name: str):
    def clean(step: _Cleaning) -> None:
        step.cleaned[name] = bool(step.data.get(name))

    return clean


def _clean_preferred_contact(step: _Cleaning) -> None:
    value = step.data.get("preferred_contact") or Resident.ContactMethod.TEXT
    if value not in Resident.ContactMethod.values:
        step.error("preferred_contact", "Choose how the resident prefers to be contacted")
    step.cleaned["preferred_contact"] = value


def _clean_phones(step: _Cleaning) -> None:
    numbers: list[str] = []
    for position, raw in enumerate(step.data.get("phones") or [], start=1):
        try:
            number = normalise_phone(str(raw))
        except ValidationError as error:
            step.error("phones", f"Phone number {position} ('{raw}'): {error.messages[0]}")
            continue
        if number not in numbers:
            numbers.append(number)
    step.cleaned["phones"] = numbers


# In the order the problems are reported.
_CLEANERS = [
    ("date_of_birth", _clean_date_of_birth),
    ("national_insurance_number", _clean_ni_number),
    ("email", _clean_email),
    ("postcode", _clean_postcode),
    ("needs_interpreter", _clean_yes_no("needs_interpreter")),
    ("consents_to_text", _clean_yes_no("consents_to_text")),
    ("preferred_contact", _clean_preferred_contact),
    ("phones", _clean_phones),
]
