"""The checks every action shares: a message per field, in the GOV.UK voice.

An action gathers every problem in one `Errors`, then calls `raise_any()`: the person sees all
of them at once, and nothing is written.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from doorstep.core.changes import record_change
from doorstep.core.validators import normalise_phone, normalise_postcode
from doorstep.residents.models import Resident

from .. import skills

MAX_TEXT = 500
MAX_CAPACITY = 10
MAX_EVENT_CAPACITY = 500
MAX_MINUTES = 8 * 60
CONFIDENCE_MESSAGE = {
    True: "Select how confident you feel, from 1 to 5",
    False: "Select how confident they feel, from 1 to 5",
}
CONFIDENCE_BEFORE = "Select how confident they felt before the session, from 1 to 5"
CONFIDENCE_AFTER = "Select how confident they felt after the session, from 1 to 5"
CONTACT_NEEDED = "Enter a phone number or an e-mail address so we can contact you"


class Errors(dict):
    """Messages by field name; each cleaning method returns the value to store."""

    def add(self, field_name: str, message: str) -> None:
        self.setdefault(field_name, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))

    def choices(self, field_name, values, table, *, what, required=True, missing="") -> list[str]:
        values = list(values or [])
        unknown = [v for v in values if v not in table]
        if unknown:
            self.add(field_name, f"“{unknown[0]}” is not one of the {what} listed")
        elif required and not values:
            self.add(field_name, missing)
        return skills.in_order(values, table)

    def phone(self, field_name, value, *, required=False, what="a phone number") -> str:
        value = (value or "").strip()
        if not value:
            if required:
                self.add(field_name, f"Enter {what}, like 07700 900 982")
            return ""
        return self._normalised(field_name, value, normalise_phone)

    def postcode(self, field_name, value) -> str:
        value = (value or "").strip()
        return self._normalised(field_name, value, normalise_postcode) if value else ""

    def _normalised(self, field_name, value, normalise) -> str:
        try:
            return normalise(value)
        except ValidationError as error:
            self.setdefault(field_name, []).extend(error.messages)
            return ""

    def email(self, field_name, value, *, required=False) -> str:
        value = (value or "").strip().lower()
        if not value:
            if required:
                self.add(field_name, "Enter an e-mail address, like name@example.com")
            return ""
        try:
            validate_email(value)
        except ValidationError:
            self.add(
                field_name, "Enter an e-mail address in the correct format, like name@example.com"
            )
        return value

    def text(self, field_name, value, *, required_message="", limit=MAX_TEXT, what="This") -> str:
        value = (value or "").strip()
        if not value and required_message:
            self.add(field_name, required_message)
        elif len(value) > limit:
            self.add(field_name, f"{what} must be {limit:,} characters or fewer")
        return value

    def topics_places_times(
        self, *, topics, places, availability, topics_missing: str, places_missing: str
    ) -> dict:
        """What someone can help with (or wants help with), where and when: slugs in order."""
        return {
            "topics": self.choices(
                "topics", topics, skills.TOPICS, what="topics", missing=topics_missing
            ),
            "places": self.choices(
                "places", places, skills.PLACES, what="places", missing=places_missing
            ),
            "availability": self.choices(
                "availability",
                availability,
                skills.SLOTS,
                what="times",
                missing="Select at least one time in the week when they are free",
            ),
        }

    def contact(self, phone: str, email: str) -> None:
        """A phone number or an e-mail address, unless one of them was already wrong."""
        if not phone and not email and "phone" not in self and "email" not in self:
            self.add("phone", CONTACT_NEEDED)

    def not_after_today(self, field_name, value: datetime.date | None, *, message: str) -> None:
        if value is not None and value > timezone.localdate():
            self.add(field_name, message)

    def number(self, field_name, value: int | None, *, most: int, message: str) -> None:
        """A whole number from 1 to `most`."""
        if value is None or not 1 <= value <= most:
            self.add(field_name, message)

    def confidence(self, pairs: Iterable[tuple[str, int | None, str]]) -> None:
        for field_name, value, message in pairs:
            if value is None or value not in range(1, 6):
                self.add(field_name, message)


def audit(
    *, actor, object_type: str, obj, action="update", fields=(), detail="", request=None, **about
) -> None:
    """A change with no timeline event: the audit record only (`about` may give resident_id)."""
    record_change(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=obj.pk,
        fields=fields,
        summary=detail,
        request=request,
        **about,
    )


def lock_live_resident(resident: Resident) -> Resident:
    """The resident's row, locked for the change; refused if the record was merged away."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.merged_into_id:
        raise ValidationError(
            {"resident": [f"This record was merged into record {resident.merged_into_id}"]}
        )
    return resident
