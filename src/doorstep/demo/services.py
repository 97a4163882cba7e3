"""Realistic, reproducible demo data: a staff account for each role, and residents with their
households, cases, tasks, notes, flags, timeline and audit records.

Rows are written with bulk_create so that 2,000 residents load in seconds, but each row is the
one the services would have written: resident fields pass `clean_resident_data`, case
references follow the `HR-000001` sequence, and every record has the timeline event and the
chained audit record its service writes, backdated over the last year.
"""

import datetime
import hashlib
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from faker import Faker

from doorstep.cases.models import Case, CaseNote, CaseType, Task
from doorstep.core import audit, roles, timeline
from doorstep.core.audit import GENESIS_HASH
from doorstep.core.models import AuditChainHead, AuditEvent, Staff, Team, TimelineEvent
from doorstep.core.validators import normalise_postcode, parse_phone
from doorstep.residents.models import (
    ExternalIdentifier,
    Flag,
    Household,
    HouseholdMember,
    Note,
    Phone,
    Resident,
)
from doorstep.residents.services import EDITABLE_FIELDS, clean_resident_data

# Published in the README and printed by seed_demo: never load demo data on a live system.
DEMO_PASSWORD = "doorstep-demo-password"  # noqa: S105 - a published demo password
DEMO_DOMAIN = "demo.doorstep.example"

BENEFITS = "benefits"
HOUSING_NEEDS = "housing-needs"
TEAMS = {BENEFITS: "Benefits", HOUSING_NEEDS: "Housing Needs"}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    teams: tuple[str, ...]


DEMO_ACCOUNTS = [
    DemoAccount(roles.OFFICER, f"officer@{DEMO_DOMAIN}", "Amara Okafor", (HOUSING_NEEDS, BENEFITS)),
    DemoAccount(
        roles.TEAM_LEADER, f"leader@{DEMO_DOMAIN}", "Daniel Hughes", (HOUSING_NEEDS, BENEFITS)
    ),
    DemoAccount(
        roles.ADMINISTRATOR, f"admin@{DEMO_DOMAIN}", "Fatima Begum", (HOUSING_NEEDS, BENEFITS)
    ),
    DemoAccount(roles.DIGITAL_FRIEND, f"friend@{DEMO_DOMAIN}", "Gareth Price", ()),
]
# Colleagues who own the rest of the work; they have no password and cannot sign in.
COLLEAGUES = [
    ("Grace Mensah", BENEFITS),
    ("Kemal Yilmaz", BENEFITS),
    ("Hannah Cohen", BENEFITS),
    ("Marcus Campbell", HOUSING_NEEDS),
    ("Aisha Rahman", HOUSING_NEEDS),
    ("Ewa Nowak", HOUSING_NEEDS),
]

# (name, reference prefix, team, how often it comes up)
CASE_TYPES = [
    ("Housing register", "HR", HOUSING_NEEDS, 35),
    ("Homelessness", "HL", HOUSING_NEEDS, 15),
    ("Benefits", "BN", BENEFITS, 35),
    ("Change of circumstances", "CC", BENEFITS, 15),
]
CASE_SUMMARIES = {
    "HR": [
        "Application to join the housing register",
        "Asked for a review of their band",
        "Overcrowded: needs one more bedroom",
        "Medical priority assessment requested",
        "Wants to move to a ground-floor home",
        "Annual housing register review",
    ],
    "HL": [
        "Section 21 notice from private landlord",
        "Sofa surfing with friends",
        "Asked to leave by family",
        "Fleeing domestic abuse",
        "Rent arrears, eviction threatened",
        "Leaving hospital with nowhere to go",
    ],
    "BN": [
        "Housing Benefit claim",
        "Council Tax Reduction claim",
        "Discretionary Housing Payment application",
        "Moving from Housing Benefit to Universal Credit",
        "Overpayment query",
        "Help with rent shortfall",
    ],
    "CC": [
        "Started a new job",
        "Partner moved in",
        "Moved address within the borough",
        "Child left the household",
        "Hours at work reduced",
        "Started getting Carer's Allowance",
    ],
}
TASK_TITLES = {
    "HR": [
        "Check proof of address",
        "Verify identity documents",
        "Confirm who lives in the household",
        "Arrange a home visit",
        "Send banding decision letter",
        "Request medical evidence",
    ],
    "HL": [
        "Call resident to assess their situation",
        "Agree a Personal Housing Plan",
        "Contact the landlord about the notice",
        "Find emergency accommodation",
        "Refer to the tenancy sustainment team",
        "Check the section 21 notice is valid",
    ],
    "BN": [
        "Request Universal Credit statement",
        "Check proof of income",
        "Ask for last three months of bank statements",
        "Calculate rent shortfall",
        "Send decision letter",
        "Check the tenancy agreement",
    ],
    "CC": [
        "Ask for new payslips",
        "Update household details",
        "Check the new address",
        "Recalculate Council Tax Reduction",
        "Confirm start date of change",
    ],
}
NOTES = [
    "Called the resident, no answer. Left a voicemail asking them to call back.",
    "Resident came into the service centre with their payslips.",
    "Spoke to the resident on the phone. They will send their bank statements this week.",
    "Resident asked for letters to be sent by e-mail in future.",
    "Texted a reminder about the documents we need.",
    "Home visit done. Damp in the back bedroom; reported to the repairs team.",
    "Resident's support worker called on their behalf, with consent.",
    "Explained how the housing register bands work and likely waiting times.",
    "Resident is worried about rent arrears. Gave details of the debt advice service.",
    "Booked an interpreter for the next appointment.",
    "Resident dropped off a letter from their landlord.",
    "Checked Universal Credit journal with the resident during the appointment.",
]
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
# Hackney streets with the postcode district they are in.
STREETS = [
    ("Mare Street", "E8"),
    ("Dalston Lane", "E8"),
    ("Kingsland Road", "E8"),
    ("Amhurst Road", "E8"),
    ("Graham Road", "E8"),
    ("Queensbridge Road", "E8"),
    ("Richmond Road", "E8"),
    ("Sandringham Road", "E8"),
    ("Haggerston Road", "E8"),
    ("Evering Road", "N16"),
    ("Stoke Newington High Street", "N16"),
    ("Cazenove Road", "N16"),
    ("Albion Road", "N16"),
    ("Stoke Newington Church Street", "N16"),
    ("Brooke Road", "N16"),
    ("Manor Road", "N16"),
    ("Northwold Road", "E5"),
    ("Lower Clapton Road", "E5"),
    ("Upper Clapton Road", "E5"),
    ("Chatsworth Road", "E5"),
    ("Rushmore Road", "E5"),
    ("Homerton High Street", "E9"),
    ("Morning Lane", "E9"),
    ("Well Street", "E9"),
    ("Cassland Road", "E9"),
    ("Wick Road", "E9"),
    ("Victoria Park Road", "E9"),
    ("Hoxton Street", "N1"),
    ("Pitfield Street", "N1"),
    ("Shepherdess Walk", "N1"),
    ("Hackney Road", "E2"),
    ("Columbia Road", "E2"),
    ("Green Lanes", "N4"),
    ("Seven Sisters Road", "N4"),
]
BLOCKS = [
    "Pembury House",
    "Banister House",
    "Kingsmead House",
    "Nightingale House",
    "Gooch House",
    "Lincoln Court",
    "Rossendale House",
    "Wigan House",
    "Tower Court",
    "Colvestone House",
]
# Letters used in the last two places of a postcode (no C, I, K, M, O or V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
LANGUAGES = [
    ("English", 80),
    ("Turkish", 4),
    ("Bengali", 2),
    ("Polish", 2),
    ("Yiddish", 2),
    ("Somali", 2),
    ("Spanish", 2),
    ("Portuguese", 1.5),
    ("French", 1.5),
    ("Urdu", 1.5),
    ("Arabic", 1.5),
]
# Ofcom keeps these for drama: 07700 900000-900999 and 01632 960000-960999.
MOBILE_RANGE = "+447700900"
LANDLINE_RANGE = "+441632960"
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NI_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
EARLIEST_BIRTH = datetime.date(1935, 1, 1)
LATEST_BIRTH = datetime.date(2007, 12, 31)
RESIDENT_FIELDS = sorted([*EDITABLE_FIELDS, "phones"])


@dataclass
class DemoStaff:
    accounts: dict[str, Staff]
    teams: dict[str, Team]
    # The demo officer's colleagues in each team, who own most of its cases.
    owners: dict[str, list[Staff]]
    case_types: dict[str, CaseType]


@dataclass
class SeedResult:
    seed: int
    residents: int = 0
    phones: int = 0
    identifiers: int = 0
    households: int = 0
    household_members: int = 0
    flags: int = 0
    notes: int = 0
    cases: int = 0
    cases_by_team: dict[str, int] = field(default_factory=dict)
    tasks: int = 0
    tasks_for_demo_officer: int = 0
    case_notes: int = 0
    timeline_events: int = 0
    audit_records: int = 0


# --- Staff ---------------------------------------------------------------------------------


@transaction.atomic
def ensure_demo_staff() -> DemoStaff:
    """Create (or bring back) the teams, case types and one staff account per role.

    Safe to run again: accounts are looked up by e-mail, put back in their role and teams,
    switched on, unlocked and given the demo password again.
    """
    if Group.objects.filter(name__in=roles.ALL_ROLES).count() != len(roles.ALL_ROLES):
        roles.sync_roles()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
    teams = {}
    for slug, name in TEAMS.items():
        teams[slug], _ = Team.objects.get_or_create(slug=slug, defaults={"name": name})
    accounts = {}
    # One hash for all four: the password is shared anyway, and hashing is slow on purpose.
    password_hash = make_password(DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        staff, _ = Staff.objects.get_or_create(
            email=account.email, defaults={"full_name": account.full_name}
        )
        staff.is_active = True
        staff.is_staff = account.role == roles.ADMINISTRATOR
        staff.password = password_hash
        staff.save()
        staff.groups.set([groups[account.role]])
        staff.teams.set([teams[slug] for slug in account.teams])
        accounts[account.role] = staff
    _unlock([account.email for account in DEMO_ACCOUNTS])
    owners: dict[str, list[Staff]] = {slug: [] for slug in TEAMS}
    for full_name, slug in COLLEAGUES:
        email = f"{full_name.lower().replace(' ', '.')}@{DEMO_DOMAIN}"
        colleague, created = Staff.objects.get_or_create(
            email=email, defaults={"full_name": full_name}
        )
        if created:
            colleague.set_unusable_password()
            colleague.save(update_fields=["password"])
            colleague.groups.set([groups[roles.OFFICER]])
            colleague.teams.set([teams[slug]])
        owners[slug].append(colleague)
    case_types = {}
    for name, prefix, slug, _weight in CASE_TYPES:
        case_type = (
            CaseType.objects.filter(reference_prefix=prefix).first()
            or CaseType.objects.filter(name=name).first()
            or CaseType.objects.create(name=name, reference_prefix=prefix, default_team=teams[slug])
        )
        case_types[prefix] = case_type
    return DemoStaff(accounts=accounts, teams=teams, owners=owners, case_types=case_types)


def _unlock(emails: list[str]) -> None:
    """Clear failed sign-ins so a locked-out demo account works again after a re-run."""
    from axes.utils import reset

    for email in emails:
        reset(username=email)


# --- Residents and their records -----------------------------------------------------------


class _Generator:
    """Everything random comes from one seeded Random and one seeded Faker, in a fixed order."""

    def __init__(self, seed: int, staff: DemoStaff, now: datetime.datetime):
        self.rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.staff = staff
        self.now = now
        self.today = timezone.localdate(now)
        self.ni_numbers = set(
            Resident.objects.exclude(national_insurance_number="").values_list(
                "national_insurance_number", flat=True
            )
        )
        self.identifiers = set(ExternalIdentifier.objects.values_list("source", "value"))
        self.next_reference = {prefix: _last_number(prefix) for prefix in staff.case_types}

    # Small helpers ------------------------------------------------------------------------

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def time_between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        if end <= start:
            return start
        seconds = (end - start).total_seconds()
        return start + datetime.timedelta(seconds=self.rng.uniform(0, seconds))

    def days_ago(self, low: float, high: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=self.rng.uniform(low, high))

    def birth_date(self, start: datetime.date, end: datetime.date) -> datetime.date:
        start, end = max(start, EARLIEST_BIRTH), min(end, LATEST_BIRTH)
        if end < start:
            start = end = min(max(start, EARLIEST_BIRTH), LATEST_BIRTH)
        return datetime.date.fromordinal(self.rng.randint(start.toordinal(), end.toordinal()))

    def ni_number(self) -> str:
        while True:
            prefix = self.rng.choice(NI_FIRST) + self.rng.choice(NI_SECOND)
            if prefix in NI_BAD_PREFIXES:
                continue
            number = f"{prefix}{self.rng.randint(0, 999_999):06d}{self.rng.choice('ABCD')}"
            if number not in self.ni_numbers:
                self.ni_numbers.add(number)
                return number

    def identifier(self, source: str) -> str:
        low, high = (10_000_000, 99_999_999) if source == "Academy" else (100_000, 999_999)
        while True:
            value = str(self.rng.randint(low, high))
            if (source, value) not in self.identifiers:
                self.identifiers.add((source, value))
                return value

    def postcode(self, district: str) -> str:
        inward = f"{self.rng.randint(1, 9)}{self.rng.choice(INWARD_LETTERS)}"
        return normalise_postcode(f"{district} {inward}{self.rng.choice(INWARD_LETTERS)}")

    def mobile(self) -> str:
        return f"{MOBILE_RANGE}{self.rng.randint(0, 999):03d}"

    def landline(self) -> str:
        return f"{LANDLINE_RANGE}{self.rng.randint(0, 999):03d}"

    # One home: the address, landline and language its people share ------------------------

    def home(self) -> dict:
        street, district = self.rng.choice(STREETS)
        if self.chance(0.55):
            line_1 = f"Flat {self.rng.randint(1, 120)}, {self.rng.choice(BLOCKS)}"
            line_2 = street
        else:
            line_1, line_2 = f"{self.rng.randint(1, 250)} {street}", ""
        language = self.weighted(LANGUAGES)
        return {
            "address_line_1": line_1,
            "address_line_2": line_2,
            "town": "London",
            "postcode": self.postcode(district),
            "language": language,
            "landline": self.landline() if self.chance(0.2) else "",
        }

    def person(
        self, home: dict, *, born: tuple[datetime.date, datetime.date], last_name: str = ""
    ) -> dict:
        female = self.chance(0.52)
        first_name = self.fake.first_name_female() if female else self.fake.first_name_male()
        last_name = last_name or self.fake.last_name()
        if self.chance(0.03):
            title = "Mx"
        elif female:
            title = self.weighted([("Ms", 45), ("Mrs", 30), ("Miss", 20), ("Dr", 2), ("", 3)])
        else:
            title = self.weighted([("Mr", 94), ("Dr", 2), ("", 4)])
        phones = []
        if self.chance(0.78):
            phones.append(self.mobile())
        if home["landline"] and self.chance(0.7):
            phones.append(home["landline"])
        email = ""
        if self.chance(0.35):
            local = re.sub(r"[^a-z0-9.]", "", f"{first_name}.{last_name}".lower())
            domain = self.rng.choice(["example.com", "example.org", "example.net"])
            email = f"{local}{self.rng.randint(1, 99)}@{domain}"
        has_mobile = any(number.startswith(MOBILE_RANGE) for number in phones)
        if has_mobile:
            contact = self.weighted(
                [("text", 70), ("phone", 20), ("email" if email else "text", 10)]
            )
        elif phones:
            contact = "phone"
        else:
            contact = self.weighted(
                [("letter", 50), ("face_to_face", 30), ("email" if email else "letter", 20)]
            )
        language = home["language"]
        return {
            "title": title,
            "first_name": first_name,
            "last_name": last_name,
            "preferred_name": self.fake.first_name() if self.chance(0.03) else "",
            "date_of_birth": self.birth_date(*born),
            "national_insurance_number": self.ni_number() if self.chance(0.88) else "",
            "email": email,
            "address_line_1": home["address_line_1"],
            "address_line_2": home["address_line_2"],
            "town": home["town"],
            "postcode": home["postcode"],
            "language": language,
            "needs_interpreter": language != "English" and self.chance(0.5),
            "preferred_contact": contact,
            "consents_to_text": has_mobile and self.chance(0.85),
            "phones": phones,
        }


def _last_number(prefix: str) -> int:
    last = (
        Case.objects.filter(reference__startswith=f"{prefix}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last.removeprefix(f"{prefix}-")) if last else 0


def _years(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _household_people(gen: _Generator, size: int) -> list[tuple[dict, str]]:
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
        ranges = {
            "partner": (_years(born, -8), _years(born, 8)),
            "sibling": (_years(born, -6), _years(born, 6)),
            "parent": (_years(born, -40), _years(born, -20)),
            "child": (_years(born, 20), _years(born, 40)),
            "relative": (_years(born, -30), _years(born, 30)),
            "other": (datetime.date(1950, 1, 1), LATEST_BIRTH),
        }
        shares_surname = {"partner": 0.6, "sibling": 0.85, "parent": 0.7, "child": 0.85}
        surname = lead["last_name"] if gen.chance(shares_surname.get(relationship, 0.3)) else ""
        people.append(
            (gen.person(home, born=ranges[relationship], last_name=surname), relationship)
        )
    return people


class _Log:
    """Timeline events and audit records, built as the services would write them."""

    def __init__(self):
        self.kinds = {kind.slug for kind in timeline.kinds()}
        self.events: list[TimelineEvent] = []
        self.audits: list[AuditEvent] = []

    def event(self, *, resident_id, kind, summary, at, actor, body="", source=None, url=""):
        # The same row timeline.add_event writes, with occurred_at set to when it happened.
        if kind not in self.kinds:
            raise ValueError(f"Unknown timeline event kind {kind!r}: register it first")
        self.events.append(
            TimelineEvent(
                resident_id=resident_id,
                kind=kind,
                summary=summary[:300],
                body=body,
                actor=actor,
                occurred_at=at,
                source_type=source._meta.label_lower if source is not None else "",
                source_id=str(source.pk) if source is not None else "",
                url=url,
            )
        )

    def audit(self, *, actor, action, object_type, object_id, resident_id, fields, at, detail=""):
        # The same row audit.record writes; the hash chain is added in write().
        self.audits.append(
            AuditEvent(
                at=at,
                actor=actor,
                actor_label=actor.email[:200],
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                resident_id=resident_id,
                fields=sorted(fields),
                detail=detail[:500],
                ip_address=None,
            )
        )

    def write(self) -> None:
        TimelineEvent.objects.bulk_create(self.events, batch_size=2000)
        # Oldest first, chained onto the current head exactly as audit.record does.
        self.audits.sort(key=lambda event: event.at)
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        previous = head.last_hash
        for event in self.audits:
            event.previous_hash = previous
            event.hash = previous = event.compute_hash()
        AuditEvent.objects.bulk_create(self.audits, batch_size=2000)
        AuditChainHead.objects.filter(pk=1).update(last_hash=previous)


@transaction.atomic
def seed_residents(*, count: int, seed: int, staff: DemoStaff | None = None) -> SeedResult:
    """Add `count` residents and everything around them. The same seed gives the same people."""
    staff = staff or ensure_demo_staff()
    now = timezone.now()
    gen = _Generator(seed, staff, now)
    log = _Log()
    result = SeedResult(seed=seed)
    officer = staff.accounts[roles.OFFICER]
    everyone = [officer, *(member for members in staff.owners.values() for member in members)]

    # 1. People, grouped into homes; about a quarter live with others.
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

    residents: list[Resident] = []
    plans = []  # (resident, phone numbers, identifier source, created by)
    households: list[Household] = []
    members: list[HouseholdMember] = []
    for group in groups:
        household = None
        if len(group) > 1:
            household = Household(name=f"{group[0][0]['last_name']} household")
            households.append(household)
        for data, relationship in group:
            cleaned = clean_resident_data(data)
            phones = cleaned.pop("phones")
            created_at = gen.days_ago(0, 365)
            resident = Resident(**cleaned, created_at=created_at)
            if resident.consents_to_text:
                resident.text_consent_recorded_at = created_at
            source = gen.weighted([("", 70), ("Academy", 18), ("Jigsaw", 12)])
            plans.append((resident, phones, source, gen.rng.choice(everyone)))
            residents.append(resident)
            if household is not None:
                if relationship == HouseholdMember.Relationship.LEAD:
                    household.created_at = created_at
                members.append(
                    HouseholdMember(
                        household=household, resident=resident, relationship=relationship
                    )
                )
    Resident.objects.bulk_create(residents, batch_size=500)
    Household.objects.bulk_create(households, batch_size=500)
    HouseholdMember.objects.bulk_create(members, batch_size=500)

    phone_rows, identifier_rows = [], []
    for resident, phones, source, actor in plans:
        for position, number in enumerate(phones):
            phone_rows.append(
                Phone(
                    resident=resident,
                    number=number,
                    is_mobile=parse_phone(number).is_mobile,
                    is_primary=position == 0,
                )
            )
        if source:
            identifier_rows.append(
                ExternalIdentifier(resident=resident, source=source, value=gen.identifier(source))
            )
        log.audit(
            actor=actor,
            action="create",
            object_type="resident",
            object_id=resident.pk,
            resident_id=resident.pk,
            fields=RESIDENT_FIELDS,
            at=resident.created_at,
            detail=f"Imported from {source}" if source else "",
        )
        log.event(
            resident_id=resident.pk,
            kind="record",
            actor=actor,
            at=resident.created_at,
            summary=f"Record created from {source}" if source else "Record created",
        )
    Phone.objects.bulk_create(phone_rows, batch_size=1000)
    ExternalIdentifier.objects.bulk_create(identifier_rows, batch_size=1000)
    for member in members:
        resident = member.resident
        at = resident.created_at + datetime.timedelta(minutes=2)
        actor = gen.rng.choice(everyone)
        name = member.household.name
        log.audit(
            actor=actor,
            action="create",
            object_type="household_member",
            object_id=resident.pk,
            resident_id=resident.pk,
            fields=["household", "relationship"],
            at=at,
        )
        log.event(
            resident_id=resident.pk,
            kind="record",
            actor=actor,
            at=at,
            summary=f"Added to the {name} ({member.get_relationship_display().lower()})",
        )

    # 2. Flags and notes.
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
                    created_at=gen.time_between(resident.created_at, now),
                )
            )
        for _ in range(gen.weighted([(0, 35), (1, 35), (2, 20), (3, 10)])):
            notes.append(
                Note(
                    resident=resident,
                    body=gen.rng.choice(NOTES),
                    author=gen.rng.choice(everyone),
                    created_at=gen.time_between(resident.created_at, now),
                )
            )
    Flag.objects.bulk_create(flags, batch_size=1000)
    Note.objects.bulk_create(notes, batch_size=1000)
    for flag in flags:
        log.audit(
            actor=flag.created_by,
            action="create",
            object_type="flag",
            object_id=flag.pk,
            resident_id=flag.resident_id,
            fields=["kind", "description"],
            at=flag.created_at,
        )
        log.event(
            resident_id=flag.resident_id,
            kind="record",
            actor=flag.created_by,
            at=flag.created_at,
            summary=f"{flag.get_kind_display()} flag added",
            body=flag.description,
        )
    for note in notes:
        log.audit(
            actor=note.author,
            action="create",
            object_type="note",
            object_id=note.pk,
            resident_id=note.resident_id,
            fields=["body"],
            at=note.created_at,
        )
        log.event(
            resident_id=note.resident_id,
            kind="note",
            actor=note.author,
            at=note.created_at,
            summary="Note added",
            body=note.body,
            source=note,
        )

    # 3. Cases, their tasks and notes. The first few go to the demo officer so "My work" is busy.
    cases: list[Case] = []
    case_plans = []  # (case, opened by, when its status changed)
    type_weights = [(prefix, weight) for _name, prefix, _slug, weight in CASE_TYPES]
    for resident in residents:
        for _ in range(gen.weighted([(0, 40), (1, 45), (2, 15)])):
            prefix = gen.weighted(type_weights)
            case_type = staff.case_types[prefix]
            slug = next(slug for _n, p, slug, _w in CASE_TYPES if p == prefix)
            team = staff.teams[slug]
            forced = len(cases) < 3
            opened_at = gen.time_between(resident.created_at, now)
            age_days = (now - opened_at).days
            if not forced and age_days > 60 and gen.chance(0.7):
                status = Case.Status.CLOSED
            else:
                status = gen.weighted([("open", 65), ("waiting", 25), ("on_hold", 10)])
            if forced:
                status, owner = Case.Status.OPEN, officer
            elif status != Case.Status.CLOSED and gen.chance(0.1):
                owner = None  # waiting in the team's queue
            else:
                # A realistic caseload for the demo officer: about one case in ten.
                owner = officer if gen.chance(0.1) else gen.rng.choice(staff.owners[slug])
            changed_at = gen.time_between(opened_at, now) if status != "open" else None
            if status == Case.Status.CLOSED:
                due_date = timezone.localdate(opened_at) + datetime.timedelta(days=28)
            else:
                due_date = gen.today + datetime.timedelta(days=gen.rng.randint(-10, 45))
            gen.next_reference[prefix] += 1
            case = Case(
                resident=resident,
                case_type=case_type,
                reference=f"{prefix}-{gen.next_reference[prefix]:06d}",
                summary=gen.rng.choice(CASE_SUMMARIES[prefix]),
                status=status,
                owner=owner,
                team=team,
                due_date=due_date,
                opened_at=opened_at,
                closed_at=changed_at if status == Case.Status.CLOSED else None,
            )
            cases.append(case)
            case_plans.append((case, owner or gen.rng.choice(staff.owners[slug]), changed_at))
    Case.objects.bulk_create(cases, batch_size=1000)

    tasks: list[Task] = []
    case_notes: list[CaseNote] = []
    urls = {}
    for case, opened_by, changed_at in case_plans:
        url = urls[case.pk] = case.get_absolute_url()
        log.audit(
            actor=opened_by,
            action="create",
            object_type="case",
            object_id=case.pk,
            resident_id=case.resident_id,
            fields=["case_type", "team", "owner", "summary", "due_date"],
            at=case.opened_at,
        )
        log.event(
            resident_id=case.resident_id,
            kind="case",
            actor=opened_by,
            source=case,
            at=case.opened_at,
            summary=f"{case.case_type.name} case {case.reference} opened",
            body=case.summary,
            url=url,
        )
        if changed_at is not None:
            change = f"Open to {case.get_status_display()}"
            log.audit(
                actor=opened_by,
                action="update",
                object_type="case",
                object_id=case.pk,
                resident_id=case.resident_id,
                fields=["status"],
                at=changed_at,
                detail=change,
            )
            log.event(
                resident_id=case.resident_id,
                kind="case",
                actor=opened_by,
                source=case,
                url=url,
                at=changed_at,
                summary=f"Case {case.reference}: {change}",
            )
        titles = gen.rng.sample(TASK_TITLES[case.case_type.reference_prefix], gen.rng.randint(1, 3))
        end = changed_at if case.status == Case.Status.CLOSED else now
        for title in titles:
            created_at = gen.time_between(
                case.opened_at, case.opened_at + datetime.timedelta(days=3)
            )
            created_at = min(created_at, end)
            if case.is_open:
                due_date = gen.today + datetime.timedelta(days=gen.rng.randint(-14, 21))
                done = gen.chance(0.25)
            else:
                due_date = timezone.localdate(created_at) + datetime.timedelta(days=14)
                done = True
            tasks.append(
                Task(
                    case=case,
                    title=title,
                    due_date=due_date,
                    assignee=case.owner,
                    is_done=done,
                    done_at=gen.time_between(created_at, end) if done else None,
                    done_by=(case.owner or opened_by) if done else None,
                    created_at=created_at,
                )
            )
        if gen.chance(0.3):
            case_notes.append(
                CaseNote(
                    case=case,
                    body=gen.rng.choice(NOTES),
                    author=opened_by,
                    created_at=gen.time_between(case.opened_at, end),
                )
            )
    Task.objects.bulk_create(tasks, batch_size=1000)
    CaseNote.objects.bulk_create(case_notes, batch_size=1000)
    opened_by_case = {case.pk: opened_by for case, opened_by, _ in case_plans}
    for task in tasks:
        case = task.case
        actor = opened_by_case[case.pk]
        log.audit(
            actor=actor,
            action="create",
            object_type="task",
            object_id=task.pk,
            resident_id=case.resident_id,
            fields=["title", "due_date", "assignee"],
            at=task.created_at,
        )
        log.event(
            resident_id=case.resident_id,
            kind="task",
            actor=actor,
            source=task,
            url=urls[case.pk],
            at=task.created_at,
            summary=f"Task added to {case.reference}: {task.title}",
        )
        if task.is_done:
            log.audit(
                actor=task.done_by,
                action="update",
                object_type="task",
                object_id=task.pk,
                resident_id=case.resident_id,
                fields=["is_done"],
                at=task.done_at,
            )
            log.event(
                resident_id=case.resident_id,
                kind="task",
                actor=task.done_by,
                source=task,
                url=urls[case.pk],
                at=task.done_at,
                summary=f"Task done: {task.title}",
            )
    for note in case_notes:
        case = note.case
        log.audit(
            actor=note.author,
            action="create",
            object_type="case_note",
            object_id=note.pk,
            resident_id=case.resident_id,
            fields=["body"],
            at=note.created_at,
        )
        log.event(
            resident_id=case.resident_id,
            kind="note",
            actor=note.author,
            source=note,
            body=note.body,
            url=urls[case.pk],
            at=note.created_at,
            summary=f"Note added to case {case.reference}",
        )

    log.write()
    # One honest record, dated now, of what loaded all of the above.
    audit.record(
        actor="seed_demo",
        action="import",
        object_type="resident",
        detail=f"Demo data: {len(residents)} residents, seed {seed}",
    )

    result.residents = len(residents)
    result.phones = len(phone_rows)
    result.identifiers = len(identifier_rows)
    result.households = len(households)
    result.household_members = len(members)
    result.flags = len(flags)
    result.notes = len(notes)
    result.cases = len(cases)
    by_team = defaultdict(int)
    for case in cases:
        by_team[case.team.name] += 1
    result.cases_by_team = dict(sorted(by_team.items()))
    result.tasks = len(tasks)
    result.tasks_for_demo_officer = sum(
        1 for task in tasks if task.assignee_id == officer.pk and not task.is_done
    )
    result.case_notes = len(case_notes)
    result.timeline_events = len(log.events)
    result.audit_records = len(log.audits) + 1
    return result


def demo_digest() -> str:
    """A fingerprint of the people loaded, to check that a seed gives the same data twice."""
    digest = hashlib.sha256()
    rows = Resident.objects.order_by("id").values_list(
        "first_name", "last_name", "date_of_birth", "national_insurance_number", "postcode"
    )
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()
