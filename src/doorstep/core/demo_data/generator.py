"""The one source of randomness for the demo data, and the made-up people, homes and numbers
each capability's demo module draws from it.

Everything random comes from one seeded Random and one seeded Faker, drawn in a fixed order, so
the same seed gives the same data: the capabilities are seeded in the order `services` lists.
"""

import datetime
import random
import re

from django.utils import timezone
from faker import Faker

from doorstep.core.validators import normalise_postcode

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
# Ofcom keeps numbers for TV and radio drama that are never anyone's: 1,000 mobiles (07700 900000
# to 900999, the only drama mobile range), and 1,000 in each area, such as London's 020 7946 0000
# to 0999 and the made-up area 01632 (960000 to 960999). Each demo mobile and each home's
# landline is given out once, so no two unrelated residents share a number (the people of one
# home share its landline). With more residents than that (the 2,000 of a default demo has about
# 1,560 who would have a mobile), those after the first 1,000 mobiles have no mobile: a landline
# at home, if there is one, or no phone.
MOBILE_RANGE = "+447700900"
LANDLINE_RANGES = ("+442079460", "+441632960")
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NI_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
EARLIEST_BIRTH = datetime.date(1935, 1, 1)
LATEST_BIRTH = datetime.date(2007, 12, 31)
# What officers write in a resident's notes and a case's notes alike.
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


class Generator:
    """Random choices, dates and made-up people, all from the one seed."""

    def __init__(self, seed: int, staff, now: datetime.datetime):
        self.rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.staff = staff
        self.now = now
        self.today = timezone.localdate(now)
        # Numbers already given out, never given again; the residents' demo adds those stored.
        self.ni_numbers: set[str] = set()
        self.identifiers: set[tuple[str, str]] = set()
        self.phone_numbers: set[str] = set()
        # Drama numbers not given out yet, in a random order: made on the first draw.
        self._unused: dict[str, list[str]] = {}

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

    def note(self) -> str:
        return self.rng.choice(NOTES)

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

    def _unused_number(self, prefixes: tuple[str, ...]) -> str:
        """A drama number no one has yet, or "" once all of them are given out."""
        key = ",".join(prefixes)
        if key not in self._unused:
            numbers = [f"{prefix}{n:03d}" for prefix in prefixes for n in range(1000)]
            self.rng.shuffle(numbers)
            self._unused[key] = [n for n in numbers if n not in self.phone_numbers]
        unused = self._unused[key]
        if not unused:
            return ""
        number = unused.pop()
        self.phone_numbers.add(number)
        return number

    def mobile(self) -> str:
        return self._unused_number((MOBILE_RANGE,))

    def landline(self) -> str:
        return self._unused_number(LANDLINE_RANGES)

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

    # One person living there: the fields a resident's record is made from -----------------

    def person(
        self, home: dict, *, born: tuple[datetime.date, datetime.date], last_name: str = ""
    ) -> dict:
        female = self.chance(0.52)
        first_name = self.fake.first_name_female() if female else self.fake.first_name_male()
        last_name = last_name or self.fake.last_name()
        title = self._title(female)
        phones = []
        mobile = self.mobile() if self.chance(0.78) else ""
        if mobile:
            phones.append(mobile)
        if home["landline"] and self.chance(0.7):
            phones.append(home["landline"])
        email = self._email(first_name, last_name) if self.chance(0.35) else ""
        has_mobile = any(number.startswith(MOBILE_RANGE) for number in phones)
        contact = self._contact(phones, has_mobile=has_mobile, email=email)
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

    def _title(self, female: bool) -> str:
        if self.chance(0.03):
            return "Mx"
        if female:
            return self.weighted([("Ms", 45), ("Mrs", 30), ("Miss", 20), ("Dr", 2), ("", 3)])
        return self.weighted([("Mr", 94), ("Dr", 2), ("", 4)])

    def _email(self, first_name: str, last_name: str) -> str:
        local = re.sub(r"[^a-z0-9.]", "", f"{first_name}.{last_name}".lower())
        domain = self.rng.choice(["example.com", "example.org", "example.net"])
        return f"{local}{self.rng.randint(1, 99)}@{domain}"

    def _contact(self, phones: list[str], *, has_mobile: bool, email: str) -> str:
        if has_mobile:
            return self.weighted([("text", 70), ("phone", 20), ("email" if email else "text", 10)])
        if phones:
            return "phone"
        return self.weighted(
            [("letter", 50), ("face_to_face", 30), ("email" if email else "letter", 20)]
        )
