"""The shapes the API reads and writes; they are also what the OpenAPI schema shows."""

import datetime
import re
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from doorstep.residents.models import Resident

ContactMethod = Literal[tuple(Resident.ContactMethod.values)]

# Shown to callers in the schema; the rules themselves live in residents.services.
PHONES_HELP = (
    "Phone numbers in any common format ('07700 900982', '+44 7700 900982'); UK numbers need "
    "no country code. Returned in E.164 ('+447700900982'). The first is the main number. "
    "Sending a list replaces the numbers held."
)
NI_HELP = "In any common format ('ab 12 34 56 c'); returned without spaces ('AB123456C')."
POSTCODE_HELP = "A UK postcode in any case and spacing; returned like 'E8 1DY'."


# The largest id a database row can have (a 64-bit signed integer). An id filter beyond it
# is refused: SQLite cannot even compare a larger number with a column across a join.
MAX_ID = 2**63 - 1

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}.*")


def _iso_date(value):
    """Only what the schema promises, a date like 2026-04-01: pydantic on its own would also
    take a number as seconds since 1970, so `start=0` meant 1 January 1970."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "Input should be a date like 2026-04-01")


def _iso_date_time(value):
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATE_TIME.fullmatch(value):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "datetime_parsing", "Input should be a date and time like 2026-04-01T10:00:00+01:00"
    )


# Dates and times in ISO 8601 and nothing else, as the schema says (format: date, date-time).
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime.datetime, BeforeValidator(_iso_date_time)]


def one_of(values) -> dict:
    """A field's choices, for the schema only (`json_schema_extra`): the service checks them,
    with a message that names the list."""
    return {"enum": list(values)}


def list_of(values) -> dict:
    """The choices for each item of a list field, for the schema only (see `one_of`)."""
    return {"items": {"type": "string", "enum": list(values)}}


class Input(Schema):
    """A request body. Unknown fields are refused (the schema says additionalProperties:
    false), and values are taken only in the JSON type the schema gives them: "5" is not a
    whole number and 1 is not true."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ResidentUpdate(Input):
    """Fields to change; leave a field out to keep it. null clears a field."""

    title: str | None = Field(None, max_length=20)
    first_name: str | None = Field(None, description="Cannot be cleared")
    last_name: str | None = Field(None, description="Cannot be cleared")
    preferred_name: str | None = Field(None, max_length=100)
    date_of_birth: IsoDate | None = Field(None, description="ISO date, like 1980-02-01")
    national_insurance_number: str | None = Field(None, description=NI_HELP)
    phones: list[str] | None = Field(None, description=PHONES_HELP)
    email: str | None = Field(None, max_length=254)
    address_line_1: str | None = Field(None, max_length=200)
    address_line_2: str | None = Field(None, max_length=200)
    town: str | None = Field(None, max_length=100)
    postcode: str | None = Field(None, description=POSTCODE_HELP)
    language: str | None = Field(None, max_length=60)
    needs_interpreter: bool | None = None
    preferred_contact: ContactMethod | None = None  # type: ignore[valid-type]
    consents_to_text: bool | None = None


class ResidentCreate(ResidentUpdate):
    """A new resident: first and last names are needed, everything else is optional."""

    first_name: str
    last_name: str


class Identifier(Schema):
    source: str = Field(description="The other system, like 'Academy'")
    value: str


class FlagOut(Schema):
    kind: str
    label: str
    description: str
    created_at: datetime.datetime


class ResidentOut(Schema):
    id: int
    reference: str = Field(description="The reference staff see, like 'R0000042'")
    title: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: datetime.date | None
    national_insurance_number: str
    phones: list[str] = Field(description="E.164, main number first")
    email: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    language: str
    needs_interpreter: bool
    preferred_contact: str
    consents_to_text: bool
    identifiers: list[Identifier] = Field(description="Ids in other systems (read-only)")
    flags: list[FlagOut] = Field(description="Active vulnerability and other flags (read-only)")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_phones(resident: Resident) -> list[str]:
        return [phone.number for phone in resident.phones.all()]

    @staticmethod
    def resolve_identifiers(resident: Resident) -> list[dict]:
        return [{"source": i.source, "value": i.value} for i in resident.identifiers.all()]

    @staticmethod
    def resolve_flags(resident: Resident) -> list[dict]:
        flags = getattr(resident, "active_flags", None)
        if flags is None:
            flags = resident.flags.filter(is_active=True)
        return [
            {
                "kind": flag.kind,
                "label": flag.get_kind_display(),
                "description": flag.description,
                "created_at": flag.created_at,
            }
            for flag in flags
        ]


class SearchResults(Schema):
    count: int = Field(description="How many items there are (no more than the limit)")
    items: list[ResidentOut] = Field(description="Best match first")


class TimelineEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    occurred_at: datetime.datetime
    summary: str
    body: str
    actor: str | None = Field(description="The member of staff, if a person did it")


class TimelinePage(Schema):
    count: int = Field(description="Events on every page together")
    page: int
    pages: int
    per_page: int
    items: list[TimelineEventOut] = Field(description="Newest first")


class Message(Schema):
    detail: str


class ScopeMissing(Schema):
    """403: the token is valid but may not use this part of the API."""

    detail: str
    scope: str = Field(description="The scope the token would need, like 'residents:write'")


class NotFound(Schema):
    detail: str
    merged_into: int | None = Field(
        None, description="Set when the record was merged into another: use this id instead"
    )


class FieldError(Schema):
    loc: list[str | int] = Field(description="Where: ['body', field] or ['query', parameter]")
    msg: str = Field(description="What to fix, in plain English")
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]
