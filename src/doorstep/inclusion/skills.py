"""The Essential Digital Skills check: the "I can…" statements, how they are scored, and what
would help. Pure functions and constants, no database.

Based on the Essential Digital Skills framework (Department for Education, 2018, refreshed by
Lloyds Bank): the Foundation level is all eight Foundation tasks; Essential Digital Skills for
life is at least one task in each of the five areas.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from .scale import BASIC_SKILLS_LEVEL, OFFLINE_MAX_LEVEL

FOUNDATION_TASKS = {
    "turn_on_log_in": "Turn on a device and log in with a password or PIN",
    "use_controls": "Use the controls: mouse, keyboard or touch screen",
    "change_settings": "Change settings to make a device easier to use (text size, volume)",
    "find_open_apps": "Find and open apps or programs",
    "connect_wifi": "Connect to wi-fi",
    "open_browser": "Open a browser and find and use websites",
    "passwords_secure": "Keep passwords and personal details secure",
    "change_password": "Change a password when asked to",
}


@dataclass(frozen=True)
class Area:
    slug: str
    label: str
    tasks: dict[str, str]


LIFE_AREAS = [
    Area(
        "communicating",
        "Communicating",
        {
            "send_email": "Send and reply to e-mails",
            "video_call": "Make a video call to family or friends",
            "message_apps": "Use messaging apps or social media to keep in touch",
        },
    ),
    Area(
        "handling_information",
        "Handling information and content",
        {
            "search": "Search the internet and judge whether a website can be trusted",
            "save_files": "Save and find files, photos and documents",
            "cloud": "Store photos or files in the cloud",
        },
    ),
    Area(
        "transacting",
        "Transacting",
        {
            "public_services": "Use public services online, like Universal Credit or council tax",
            "upload_documents": "Upload documents and photos, like a payslip",
            "online_forms": "Fill in online forms",
            "buy_online": "Buy things or pay bills online",
        },
    ),
    Area(
        "problem_solving",
        "Problem solving",
        {
            "find_answers": "Find the answer to a problem online, like a how-to video",
            "compare_prices": "Compare prices or services online",
            "learning": "Use online learning or tutorials to learn something new",
        },
    ),
    Area(
        "safe_and_legal",
        "Being safe and legal online",
        {
            "spot_scams": "Spot a scam or suspicious e-mail or text",
            "privacy_settings": "Set privacy settings on accounts",
            "update_software": "Keep a device up to date and protected",
        },
    ),
]
AREAS_BY_SLUG = {area.slug: area for area in LIFE_AREAS}
LIFE_TASKS = {slug: text for area in LIFE_AREAS for slug, text in area.tasks.items()}
AREA_OF_TASK = {slug: area.slug for area in LIFE_AREAS for slug in area.tasks}
ALL_TASKS = {**FOUNDATION_TASKS, **LIFE_TASKS}

# Access: without a device, a connection or data, skills alone do not get someone online.
CONNECTION_CHOICES = [
    ("home", "Broadband or wi-fi at home"),
    ("mobile", "Mobile data only"),
    ("none", "No connection of their own"),
]
CONFIDENCE_CHOICES = [
    (1, "1 – not at all confident"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 – very confident"),
]

# What a Digital Friend can help with. Slugs are stored; labels are shown.
TOPICS = {
    "getting_started": "Getting started with a device",
    "email": "E-mail",
    "video_calls": "Video calls with family",
    "uc_journal": "Universal Credit journal",
    "online_banking": "Online banking, safely",
    "job_search": "Job search and CVs",
    "govuk_services": "GOV.UK and council services",
    "nhs_app": "The NHS app",
    "scams": "Staying safe from scams",
    "smartphone": "Smartphone basics",
    "photos_cloud": "Photos and the cloud",
}
PLACES = {
    "library": "Library",
    "jobcentre": "Jobcentre",
    "community_centre": "Community centre",
    "phone": "By phone",
    "video": "By video call",
    "home_visit": "Home visit",
}
# Places that need no travel, so distance does not matter for them.
REMOTE_PLACES = {"phone", "video"}
DAYS = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
]
PARTS_OF_DAY = [("am", "morning"), ("pm", "afternoon"), ("eve", "evening")]
SLOTS = {
    f"{day}_{part}": f"{day_label} {part_label}"
    for day, day_label in DAYS
    for part, part_label in PARTS_OF_DAY
}


def labels(slugs: Iterable[str], table: dict[str, str]) -> list[str]:
    return [table[slug] for slug in slugs if slug in table]


def in_order(slugs: Iterable[str], table: dict[str, str]) -> list[str]:
    """The known slugs in the table's order, once each."""
    chosen = set(slugs)
    return [slug for slug in table if slug in chosen]


@dataclass(frozen=True)
class SkillsResult:
    foundation: bool
    foundation_missing: list[str]
    # Slugs of the five areas in which the person can do at least one task.
    areas: list[str]
    essential_for_life: bool

    @property
    def area_labels(self) -> list[str]:
        return [AREAS_BY_SLUG[slug].label for slug in self.areas]

    @property
    def missing_area_labels(self) -> list[str]:
        return [area.label for area in LIFE_AREAS if area.slug not in self.areas]


def score(tasks: Iterable[str]) -> SkillsResult:
    """Score the "I can…" statements ticked, as the framework does."""
    chosen = set(tasks)
    missing = [slug for slug in FOUNDATION_TASKS if slug not in chosen]
    areas = [area.slug for area in LIFE_AREAS if chosen & set(area.tasks)]
    return SkillsResult(
        foundation=not missing,
        foundation_missing=missing,
        areas=areas,
        essential_for_life=len(areas) == len(LIFE_AREAS),
    )


@dataclass(frozen=True)
class Suggestion:
    text: str
    # A Digital Friend topic to refer for, when a Friend is the help.
    topic: str = ""
    link: str = ""


def what_would_help(
    *,
    level: int,
    result: SkillsResult,
    has_device: bool,
    connection: str,
    enough_data: bool,
) -> list[Suggestion]:
    """Suggestions in the order to offer them: access first, then skills, then learning."""
    found: list[Suggestion] = []
    if not has_device:
        found.append(
            Suggestion(
                "A device scheme: a loaned or donated tablet or laptop (ask at the library or "
                "a community centre)"
            )
        )
    if connection == "none" or not enough_data:
        found.append(
            Suggestion(
                "Free mobile data from the National Databank, through a community centre, or "
                "free wi-fi at the library"
            )
        )
    if level <= OFFLINE_MAX_LEVEL:
        found.append(
            Suggestion(
                "Assisted digital: an officer or Digital Friend does things online with them, "
                "and printed copies instead of links"
            )
        )
    if level == 1:
        return found
    if not result.foundation:
        found.append(
            Suggestion("A Digital Friend for getting started with a device", "getting_started")
        )
    if "transacting" not in result.areas:
        found.append(
            Suggestion(
                "A Digital Friend for using the Universal Credit journal and council services",
                "uc_journal",
            )
        )
    if "safe_and_legal" not in result.areas:
        found.append(Suggestion("A Digital Friend for staying safe from scams", "scams"))
    if "communicating" not in result.areas:
        found.append(Suggestion("A Digital Friend for e-mail and video calls", "email"))
    if level < BASIC_SKILLS_LEVEL or not result.essential_for_life:
        found.append(
            Suggestion(
                "A free online course to learn at their own pace",
                link=settings.INCLUSION_LEARNING_URL,
            )
        )
    if level >= BASIC_SKILLS_LEVEL and result.foundation and result.essential_for_life:
        found.append(Suggestion("They can use online services on their own: send them the link"))
    return found
