"""What a text says and who may get one: placeholders, the signature, the opt-out line, and the
checks that a resident and number may be texted. Reads only; the services write.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from doorstep.core import actors
from doorstep.core.validators import format_phone_for_display
from doorstep.residents.models import Phone, Resident

from . import sealing, sms
from .models import Message, Suppression, Template

FIRST_CONTACT_FOOTER = "Reply STOP to stop getting these texts."


class NotTextable(ValidationError):
    """This resident or number may not be texted; the message says why, for the officer."""


# --- Who may be texted ---------------------------------------------------------------------

# Keys for cohort exclusion counts, with the words shown to officers.
NO_MOBILE = "no mobile number"
NO_CONSENT = "has not agreed to texts"
OPTED_OUT = "opted out of texts"


def mobile_number(resident: Resident) -> str | None:
    """The number texts go to: the primary mobile, else the first mobile recorded."""
    phone = resident.phones.filter(is_mobile=True).order_by("-is_primary", "id").first()
    return phone.number if phone else None


def is_opted_out(number: str) -> bool:
    return Suppression.objects.filter(number=number).exists()


def opted_out_numbers(numbers) -> set[str]:
    return set(
        Suppression.objects.filter(number__in=list(numbers)).values_list("number", flat=True)
    )


def textable_mobile_numbers(resident_ids) -> dict[int, str]:
    """Primary mobile number for each resident, in one query."""
    numbers: dict[int, str] = {}
    for resident_id, number in (
        Phone.objects.filter(resident_id__in=resident_ids, is_mobile=True)
        .order_by("resident_id", "-is_primary", "id")
        .values_list("resident_id", "number")
    ):
        numbers.setdefault(resident_id, number)
    return numbers


def _check_number(resident: Resident, number: str | None) -> str:
    if number is None:
        number = mobile_number(resident)
        if number is None:
            raise NotTextable(
                f"{resident.full_name} has no mobile number on their record. Add one first",
                code="no_mobile",
            )
        return number
    phone = resident.phones.filter(number=number).first()
    if phone is None:
        raise NotTextable("Choose one of the resident's own numbers", code="not_their_number")
    if not phone.is_mobile:
        raise NotTextable(
            f"{phone.display} is a landline: texts can only go to a mobile", code="landline"
        )
    return number


def check_textable(resident: Resident, number: str | None = None) -> str:
    """The number to text, or NotTextable saying plainly why not."""
    number = _check_number(resident, number)
    if not resident.consents_to_text:
        raise NotTextable(
            f"{resident.full_name} has not agreed to get texts. Record their agreement first",
            code="no_consent",
        )
    if is_opted_out(number):
        raise NotTextable(
            f"{format_phone_for_display(number)} has opted out of texts. They can text START "
            "to opt back in, or an officer can opt them in if they ask",
            code="opted_out",
        )
    return number


# --- Words that fit -------------------------------------------------------------------------

CUT_MARK = "..."


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut between words (never inside one), with "..."
    where it was cut; "" when not even its first word fits."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    room = limit - len(CUT_MARK)
    if room <= 0:
        return ""
    kept = words[: room + 1]
    if " " not in kept:
        return ""
    return kept[: kept.rindex(" ")].rstrip(" ,;:-") + CUT_MARK


def listing(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- Placeholders and the words added to a text ----------------------------------------------

# Placeholders every template may use; callers add their own (e.g. "link", "due date").
STANDARD_PLACEHOLDERS = ("first name", "last name", "full name", "officer name", "council")


def placeholder_values(*, first_name: str, last_name: str, full_name: str, actor) -> dict[str, str]:
    """The standard placeholders' values; one resident's here, a group text's row by row."""
    return {
        "first name": first_name,
        "last name": last_name,
        "full name": full_name,
        "officer name": actor.get_short_name() if actors.is_staff(actor) else "",
        "council": settings.COUNCIL_NAME,
    }


def standard_values(resident: Resident, actor=None) -> dict[str, str]:
    return placeholder_values(
        first_name=resident.preferred_name or resident.first_name,
        last_name=resident.last_name,
        full_name=resident.full_name,
        actor=actor,
    )


def signature(actor, team) -> str:
    if not settings.SMS_SIGNATURE or not actors.is_staff(actor):
        return ""
    team_name = team.name if team else settings.COUNCIL_NAME
    return settings.SMS_SIGNATURE.format(first_name=actor.get_short_name(), team=team_name)


def compose(
    text: str,
    values: Mapping[str, str | None],
    *,
    sign_as: str = "",
    first_contact: bool = False,
    allowed=None,
) -> str:
    """Fill in placeholders, add the signature and the opt-out line, normalise, check length."""
    body = sms.render(text, values, allowed=allowed)
    if sign_as:
        body = f"{body}\n{sms.normalise(sign_as)}"
    if first_contact:
        body = f"{body}\n{FIRST_CONTACT_FOOTER}"
    sms.check_length(body)
    return body


def is_first_contact(number: str) -> bool:
    return not numbers_texted_before([number])


# Numbers looked up per query: well under SQLite's and PostgreSQL's limits on parameters.
NUMBERS_PER_LOOKUP = 900


def numbers_texted_before(numbers) -> set[str]:
    """Which of `numbers` Doorstep has texted (or is about to). Looked up through the index on
    the number, a few hundred at a time: reading every number ever texted took seconds once the
    table held millions of texts."""
    numbers = sorted(set(numbers))
    found: set[str] = set()
    for start in range(0, len(numbers), NUMBERS_PER_LOOKUP):
        found.update(
            Message.objects.filter(
                direction=Message.Direction.OUTBOUND,
                number__in=numbers[start : start + NUMBERS_PER_LOOKUP],
            )
            .exclude(status=Message.Status.CANCELLED)
            .order_by()
            .values_list("number", flat=True)
            .distinct()
        )
    return found


# Placeholders that the feature sending a template fills in (an evidence request gives the
# link and due date, a shared plan the code). Templates may use these and the standard ones;
# an officer sending such a template by hand types the values in.
CALLER_PLACEHOLDERS = ("due date", "link", "date", "time", "case reference", "code")
TEMPLATE_PLACEHOLDERS = (*STANDARD_PLACEHOLDERS, *CALLER_PLACEHOLDERS)
# Shown in template previews, and used to count characters, so lengths are realistic.
EXAMPLE_VALUES = {
    "first name": "Amina",
    "last name": "Khan",
    "full name": "Amina Khan",
    "officer name": "Sam",
    "due date": "Friday 14 March",
    "link": "https://doorstep.example.gov.uk/u/q3Xv9LkT2mRw8YpB4nHs6A",
    "date": "Tuesday 11 March",
    "time": "10:30am",
    "case reference": "HR-000123",
    "code": "483920",
}


def example_values() -> dict[str, str]:
    return {**EXAMPLE_VALUES, "council": settings.COUNCIL_NAME}


def check_template_body(body: str) -> str:
    """The template filled in with example values; ValidationError for unknown placeholders,
    an empty body or one too long to send."""
    if not body.strip():
        raise ValidationError("Enter the text of the message", code="required")
    return sms.render(body, example_values(), allowed=TEMPLATE_PLACEHOLDERS)


# --- One text, as it would be sent -----------------------------------------------------------


@dataclass(frozen=True)
class ComposedText:
    # What staff see and what is stored: any secret shown as "••••••".
    body: str
    number: str
    team: object
    # The words the resident gets, when they differ from `body` (the text carries a secret).
    sent_body: str = ""

    @property
    def text_to_send(self) -> str:
        return self.sent_body or self.body


def preview_message(
    *,
    resident: Resident,
    actor,
    body: str = "",
    template: Template | None = None,
    values: Mapping[str, str | None] | None = None,
    secrets: Mapping[str, str] | None = None,
    kind: str = Message.Kind.ONE_OFF,
    number: str | None = None,
    team=None,
) -> ComposedText:
    """Exactly what `send_message` would queue, and where to: writes nothing.

    `secrets` are placeholder values (a link with its token, a one-time code) that only the
    resident may see: `body` shows them redacted, `text_to_send` in full.
    Raises NotTextable or ValidationError as `send_message` does.
    """
    if template is not None and not template.is_active:
        raise ValidationError("That template is no longer in use: choose another")
    text = template.body if template is not None else body
    if not text.strip():
        raise ValidationError("Enter the message", code="required")
    number = check_textable(resident, number)
    team = team or actors.first_team(actor)
    all_values = {**standard_values(resident, actor), **(values or {})}
    secrets = secrets or {}
    redacted = {name: sealing.redact(value) for name, value in secrets.items()}
    options = {
        "sign_as": signature(actor, team) if kind == Message.Kind.ONE_OFF else "",
        "first_contact": is_first_contact(number),
        "allowed": [*all_values, *secrets],
    }
    shown = compose(text, {**all_values, **redacted}, **options)
    sent = compose(text, {**all_values, **secrets}, **options) if secrets else ""
    return ComposedText(body=shown, number=number, team=team, sent_body=sent)
