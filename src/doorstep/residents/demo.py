"""Demo data for the Single View: residents, the households they live in, their phone numbers
and identifiers in other systems, flags and notes. Called by `manage.py seed_demo`.

Rows are written with bulk_create so that 2,000 residents load in seconds, but each row is the
one the services would have written: fields pass `clean_resident_data`, and every record has the
timeline event and audit record its service writes, backdated over the last year.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from doorstep.core.changes import Timeline
from doorstep.core.demo_data.generator import EARLIEST_BIRTH, LATEST_BIRTH, Generator
from doorstep.core.demo_data.history import History
from doorstep.core.validators import parse_phone

from .models import ExternalIdentifier, Flag, Household, HouseholdMember, Note, Phone, Resident
from .services import EDITABLE_FIELDS, clean_resident_data

FLAGS = [
    (Flag.Kind.VULNERABILITY, "Recently bereaved"),
    (Flag.Kind.VULNERABILITY, "Mental health: prefers phone calls in the morning"),
    (Flag.Kind.VULNERABILITY, "Low literacy: read letters out when calling"),
    (Flag.Kind.SAFEGUARDING, "Domestic abuse: do not send letters to the home address"),
    (Flag.Kind.SAFEGUARDING, "Child protection plan in place; social worker involved"),
    (Flag.Kind.RISK_TO_STAFF, "Two officers on home visits"),
    (Flag.Kind.ACCESSIBILITY, "Wheelchair user: ground-floor appointments only"),
    (Flag.Kind.ACCESSIBILITY, "Deaf: contact by text or with a BSL interpreter"),
]
RESIDENT_FIELDS = sorted([*EDITABLE_FIELDS, "phones"])
# Birth dates of a household member, by how they are related to the household's lead.
RELATIVE_AGES = {
    "partner": (-8, 8),
    "sibling": (-6, 6),
    "parent": (-40, -20),
    "child": (20, 40),
    "relative": (-30, 30),
}
SHARES_SURNAME = {"partner": 0.6, "sibling": 0.85, "parent": 0.7, "child": 0.85}


@dataclass
class People:
    """What seed_people added."""

    residents: list[Resident]
    phones: int = 0
    identifiers: int = 0
    households: int = 0
    household_members: int = 0
    flags: int = 0
    notes: int = 0


@dataclass
class _Made:
    residents: list[Resident] = field(default_factory=list)
    # (resident, phone numbers, identifier source, created by)
    details: list[tuple[Resident, list[str], str, object]] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    members: list[HouseholdMember] = field(default_factory=list)


def seed_people(gen: Generator, history: History, *, count: int) -> People:
    """Add `count` residents, about a quarter living with others, with their phones, legacy
    identifiers, flags and notes."""
    gen.ni_numbers |= set(
        Resident.objects.exclude(national_insurance_number="").values_list(
            "national_insurance_number", flat=True
        )
    )
    gen.identifiers |= set(ExternalIdentifier.objects.values_list("source", "value"))
    gen.phone_numbers |= set(Phone.objects.values_list("number", flat=True))
    made = _make_residents(gen, _groups(gen, count))
    Resident.objects.bulk_create(made.residents, batch_size=500)
    Household.objects.bulk_create(made.households, batch_size=500)
    HouseholdMember.objects.bulk_create(made.members, batch_size=500)

    phones, identifiers = _contact_details(gen, history, made.details)
    Phone.objects.bulk_create(phones, batch_size=1000)
    ExternalIdentifier.objects.bulk_create(identifiers, batch_size=1000)
    _record_members(gen, history, made.members)

    flags, notes = _flags_and_notes(gen, made.residents)
    Flag.objects.bulk_create(flags, batch_size=1000)
    Note.objects.bulk_create(notes, batch_size=1000)
    _record_flags_and_notes(history, flags, notes)
    return People(
        residents=made.residents,
        phones=len(phones),
        identifiers=len(identifiers),
        households=len(made.households),
        household_members=len(made.members),
        flags=len(flags),
        notes=len(notes),
    )


def digest() -> str:
    """A fingerprint of the people loaded, to check that a seed gives the same data twice."""
    fingerprint = hashlib.sha256()
    rows = Resident.objects.order_by("id").values_list(
        "first_name", "last_name", "date_of_birth", "national_insurance_number", "postcode"
    )
    for row in rows:
        fingerprint.update(repr(row).encode())
    return fingerprint.hexdigest()


# --- People and homes ----------------------------------------------------------------------


def _groups(gen: Generator, count: int) -> list[list[tuple[dict, str]]]:
    """`count` people grouped into homes: each group is (fields, relationship to the lead)."""
    groups: list[list[tuple[dict, str]]] = []
    remaining = count
    while remaining > 0:
        if remaining >= 2 and gen.chance(0.12):
            size = min(gen.rng.choice([2, 2, 2, 3, 3, 4, 5]), remaining)
            groups.append(_household_people(gen, size))
        else:
            home = gen.home()
            born = (EARLIEST_BIRTH, LATEST_BIRTH)
            groups.append([(gen.person(home, born=born), "")])
        remaining -= len(groups[-1])
    return groups


def _years(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _household_people(gen: Generator, size: int) -> list[tuple[dict, str]]:
    """A lead member and the people living with them, with believable ages and surnames."""
    home = gen.home()
    lead_born = (datetime.date(1945, 1, 1), datetime.date(1985, 12, 31))
    lead = gen.person(home, born=lead_born)
    people = [(lead, HouseholdMember.Relationship.LEAD)]
    born = lead["date_of_birth"]
    for position in range(1, size):
        if position == 1:
            relationship = gen.weighted(
                [("partner", 75), ("sibling", 10), ("parent", 10), ("other", 5)]
            )
        else:
            relationship = gen.weighted([("child", 70), ("relative", 15), ("other", 15)])
        if relationship == "child" and _years(born, 20) > LATEST_BIRTH:
            relationship = "relative"
        if relationship == "parent" and _years(born, -20) < EARLIEST_BIRTH:
            relationship = "sibling"
        if relationship in RELATIVE_AGES:
            low, high = RELATIVE_AGES[relationship]
            ages = (_years(born, low), _years(born, high))
        else:
            ages = (datetime.date(1950, 1, 1), LATEST_BIRTH)
        surname = lead["last_name"] if gen.chance(SHARES_SURNAME.get(relationship, 0.3)) else ""
        people.append((gen.person(home, born=ages, last_name=surname), relationship))
    return people


def _make_residents(gen: Generator, groups: list[list[tuple[dict, str]]]) -> _Made:
    """The residents, households and memberships of `groups`, not yet saved."""
    made = _Made()
    everyone = gen.staff.everyone
    for group in groups:
        household = None
        if len(group) > 1:
            household = Household(name=f"{group[0][0]['last_name']} household")
            made.households.append(household)
        for data, relationship in group:
            cleaned = clean_resident_data(data)
            phones = cleaned.pop("phones")
            created_at = gen.days_ago(0, 365)
            resident = Resident(**cleaned, created_at=created_at)
            if resident.consents_to_text:
                resident.text_consent_recorded_at = created_at
            source = gen.weighted([("", 70), ("Academy", 18), ("Jigsaw", 12)])
            made.details.append((resident, phones, source, gen.rng.choice(everyone)))
            made.residents.append(resident)
            if household is not None:
                if relationship == HouseholdMember.Relationship.LEAD:
                    household.created_at = created_at
                made.members.append(
                    HouseholdMember(
                        household=household, resident=resident, relationship=relationship
                    )
                )
    return made


# --- Their records -------------------------------------------------------------------------


def _contact_details(
    gen: Generator, history: History, details: list[tuple[Resident, list[str], str, object]]
) -> tuple[list[Phone], list[ExternalIdentifier]]:
    """Each saved resident's phones and legacy identifier, and the history of their creation."""
    phones, identifiers = [], []
    for resident, numbers, source, actor in details:
        for position, number in enumerate(numbers):
            phones.append(
                Phone(
                    resident=resident,
                    number=number,
                    is_mobile=parse_phone(number).is_mobile,
                    is_primary=position == 0,
                )
            )
        if source:
            identifiers.append(
                ExternalIdentifier(resident=resident, source=source, value=gen.identifier(source))
            )
        history.change(
            actor=actor,
            action="create",
            object_type="resident",
            object_id=resident.pk,
            resident_id=resident.pk,
            fields=RESIDENT_FIELDS,
            at=resident.created_at,
            detail=f"Imported from {source}" if source else "",
            timeline_event=Timeline(
                kind="record",
                summary=f"Record created from {source}" if source else "Record created",
            ),
        )
    return phones, identifiers


def _record_members(gen: Generator, history: History, members: list[HouseholdMember]) -> None:
    everyone = gen.staff.everyone
    for member in members:
        resident = member.resident
        relationship = member.get_relationship_display().lower()
        history.change(
            actor=gen.rng.choice(everyone),
            action="create",
            object_type="household_member",
            object_id=resident.pk,
            resident_id=resident.pk,
            fields=["household", "relationship"],
            at=resident.created_at + datetime.timedelta(minutes=2),
            timeline_event=Timeline(
                kind="record", summary=f"Added to the {member.household.name} ({relationship})"
            ),
        )


def _flags_and_notes(gen: Generator, residents: list[Resident]) -> tuple[list[Flag], list[Note]]:
    """A flag on about one resident in twelve, and up to three notes each, not yet saved."""
    everyone = gen.staff.everyone
    flags, notes = [], []
    for resident in residents:
        if gen.chance(0.08):
            kind, description = gen.rng.choice(FLAGS)
            flags.append(
                Flag(
                    resident=resident,
                    kind=kind,
                    description=description,
                    created_by=gen.rng.choice(everyone),
                    created_at=gen.time_between(resident.created_at, gen.now),
                )
            )
        for _ in range(gen.weighted([(0, 35), (1, 35), (2, 20), (3, 10)])):
            notes.append(
                Note(
                    resident=resident,
                    body=gen.note(),
                    author=gen.rng.choice(everyone),
                    created_at=gen.time_between(resident.created_at, gen.now),
                )
            )
    return flags, notes


def _record_flags_and_notes(history: History, flags: list[Flag], notes: list[Note]) -> None:
    for flag in flags:
        history.change(
            actor=flag.created_by,
            action="create",
            object_type="flag",
            object_id=flag.pk,
            resident_id=flag.resident_id,
            fields=["kind", "description"],
            at=flag.created_at,
            timeline_event=Timeline(
                kind="record",
                summary=f"{flag.get_kind_display()} flag added",
                body=flag.description,
            ),
        )
    for note in notes:
        history.change(
            actor=note.author,
            action="create",
            object_type="note",
            object_id=note.pk,
            resident_id=note.resident_id,
            fields=["body"],
            at=note.created_at,
            timeline_event=Timeline(kind="note", summary="Note added", body=note.body, source=note),
        )
