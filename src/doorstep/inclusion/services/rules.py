"""The checks every action shares: a message per field, in the GOV.UK voice."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from doorstep.core.validators import normalise_phone, normalise_postcode

from .. import skills

MAX_TEXT = 500
MAX_CAPACITY = 10
MAX_EVENT_CAPACITY = 500
MAX_MINUTES = 8 * 60
NUDGE_CONDITION = "inclusion.first_meeting"
CONFIDENCE_MESSAGE = {
    True: "Select how confident you feel, from 1 to 5",
    False: "Select how confident they feel, from 1 to 5",
}
CONFIDENCE_BEFORE = "Select how confident they felt before the session, from 1 to 5"
CONFIDENCE_AFTER = "Select how confident they felt after the session, from 1 to 5"


def _is_staff(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


def _actor_label(actor) -> str:
    return str(actor)[:200] if actor is not None else "The resident"


def _team_of(actor):
    return actor.teams.order_by("name").first() if _is_staff(actor) else None


def _add(errors: dict, field_name: str, message: str) -> None:
    errors.setdefault(field_name, []).append(message)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _choices(errors, field_name, values, table, *, what, required=True, missing="") -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in table]
    if unknown:
        _add(errors, field_name, f"“{unknown[0]}” is not one of the {what} listed")
    elif required and not values:
        _add(errors, field_name, missing)
    return skills.in_order(values, table)


def _phone(errors, field_name, value, *, required=False, what="a phone number") -> str:
    value = (value or "").strip()
    if not value:
        if required:
            _add(errors, field_name, f"Enter {what}, like 07700 900 982")
        return ""
    try:
        return normalise_phone(value)
    except ValidationError as error:
        errors.setdefault(field_name, []).extend(error.messages)
        return ""


def _postcode(errors, field_name, value) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_postcode(value)
    except ValidationError as error:
        errors.setdefault(field_name, []).extend(error.messages)
        return ""


def _email(errors, field_name, value, *, required=False) -> str:
    value = (value or "").strip().lower()
    if not value:
        if required:
            _add(errors, field_name, "Enter an e-mail address, like name@example.com")
        return ""
    try:
        validate_email(value)
    except ValidationError:
        _add(
            errors,
            field_name,
            "Enter an e-mail address in the correct format, like name@example.com",
        )
    return value


def _text(errors, field_name, value, *, required_message="", limit=MAX_TEXT, what="This") -> str:
    value = (value or "").strip()
    if not value and required_message:
        _add(errors, field_name, required_message)
    elif len(value) > limit:
        _add(errors, field_name, f"{what} must be {limit:,} characters or fewer")
    return value
