"""Demo data for digital inclusion: Digital Friends (the demo Friend account among them), skills
checks for some residents (a few checked twice, to show movement), help requests, a match with a
session logged, and a drop-in event. Called by `manage.py seed_demo`; safe to run again.

Everything goes through services.py, so it has the audit records and events real data has.
"""

import datetime
import random

from django.utils import timezone

from doorstep.core import roles
from doorstep.residents.models import Resident

from . import services
from .models import DigitalFriend, Event, HelpRequest, SkillsCheck

FRIENDS = [
    # name, e-mail, kind, topics, languages, places, times, postcode, capacity
    (
        "Gareth Price",
        None,
        "staff",
        ["uc_journal", "govuk_services", "email"],
        ["English", "Welsh"],
        ["library", "phone"],
        ["mon_am", "wed_pm", "thu_am"],
        "E8 2BB",
        3,
    ),
    (
        "Shirin Ahmed",
        "shirin.ahmed@example.org",
        "community",
        ["smartphone", "video_calls", "nhs_app"],
        ["English", "Bengali"],
        ["community_centre", "home_visit"],
        ["tue_pm", "sat_am"],
        "E1 6AN",
        2,
    ),
    (
        "Tomasz Nowak",
        "tomasz.nowak@example.org",
        "community",
        ["job_search", "email", "scams"],
        ["English", "Polish"],
        ["library", "jobcentre"],
        ["mon_pm", "fri_am"],
        "N16 7AA",
        2,
    ),
    (
        "Grace Mensah",
        "grace.mensah@example.org",
        "community",
        ["getting_started", "online_banking", "scams"],
        ["English"],
        ["library", "video"],
        ["wed_am", "sat_am"],
        "E5 0LL",
        1,
    ),
]
APPLIED = (
    "Leo Brennan",
    "leo.brennan@example.org",
    "community",
    ["photos_cloud"],
    ["English"],
    ["video"],
    ["sun_pm"],
    "E9 6EJ",
    1,
)
ROUTES = [
    {"ever_used": False, "wants_to_be_online": True},
    {"ever_used": True, "still_uses": True, "likes_using": False},
    {"ever_used": True, "still_uses": True, "likes_using": True, "basics": "none"},
    {"ever_used": True, "still_uses": True, "likes_using": True, "basics": "some"},
    {
        "ever_used": True,
        "still_uses": True,
        "likes_using": True,
        "basics": "all",
        "needs_help": True,
    },
    {
        "ever_used": True,
        "still_uses": True,
        "likes_using": True,
        "basics": "all",
        "needs_help": False,
        "advanced": False,
    },
]


def _details(row, email) -> dict:
    name, _, kind, topics, languages, places, slots, postcode, capacity = row
    return {
        "full_name": name,
        "email": email,
        "phone": "",
        "kind": kind,
        "topics": topics,
        "languages": languages,
        "places": places,
        "availability": slots,
        "postcode": postcode,
        "capacity": capacity,
        "available_from": None,
    }


def seed_friends(*, admin, friend_account) -> list[DigitalFriend]:
    today = timezone.localdate()
    made = []
    for row in FRIENDS:
        email = row[1] or friend_account.email
        friend = DigitalFriend.objects.filter(email=email).first()
        if friend is None:
            friend = services.sign_up_friend(actor=admin, **_details(row, email))
            friend = services.approve_friend(
                actor=admin,
                friend=friend,
                safeguarding_trained_on=today - datetime.timedelta(days=60),
                data_protection_trained_on=today - datetime.timedelta(days=58),
                dbs_checked_on=today - datetime.timedelta(days=90)
                if "home_visit" in row[5]
                else None,
            )
        made.append(friend)
    if not DigitalFriend.objects.filter(email=APPLIED[1]).exists():
        services.sign_up_friend(actor=None, **_details(APPLIED, APPLIED[1]))
    return made


def seed_checks(*, seed: int, residents: list[Resident], officer) -> int:
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    made = 0
    now = timezone.now()
    for index, resident in enumerate(residents):
        if SkillsCheck.objects.filter(resident=resident).exists():
            continue
        level_index = rng.randrange(len(ROUTES))
        tasks = rng.sample(sorted(services.skills.ALL_TASKS), k=3 + 3 * level_index)
        if index % 3 == 0 and level_index > 0:
            services.record_skills_check(
                actor=officer,
                resident=resident,
                routing=ROUTES[level_index - 1],
                tasks=tasks[:-3],
                has_device=True,
                connection="mobile",
                enough_data=False,
                confidence=2,
                checked_at=now - datetime.timedelta(days=rng.uniform(40, 90)),
            )
            made += 1
        services.record_skills_check(
            actor=officer,
            resident=resident,
            routing=ROUTES[level_index],
            tasks=tasks,
            has_device=level_index > 0,
            connection="home" if level_index > 2 else "mobile",
            enough_data=level_index > 2,
            confidence=min(5, 1 + level_index),
            checked_at=now - datetime.timedelta(days=rng.uniform(0, 30)),
        )
        made += 1
    return made


def seed_requests(*, residents: list[Resident], officer, leader, gareth: DigitalFriend) -> int:
    if HelpRequest.objects.exists() or len(residents) < 2:
        return 0
    first, second = residents[0], residents[1]
    arranged = services.make_help_request(
        actor=officer,
        source="officer",
        resident=first,
        name=first.full_name,
        goal="Use the Universal Credit journal without calling",
        topics=["uc_journal"],
        places=["library"],
        availability=["mon_am", "wed_pm"],
        postcode=first.postcode,
    )
    match = services.offer_match(actor=leader, help_request=arranged, friend=gareth)
    services.accept_match(
        actor=leader,
        match=match,
        meeting_place="Central Library, ground floor",
        first_meeting_at=timezone.now().replace(minute=0, second=0, microsecond=0)
        + datetime.timedelta(days=2),
    )
    services.log_session(
        actor=gareth.staff,
        match=match,
        held_on=timezone.localdate(),
        minutes=50,
        topics=["uc_journal"],
        can_now_do="Read journal messages and reply",
        confidence_before=1,
        confidence_after=3,
        next_step="Upload a payslip photo",
        now_online=True,
    )
    services.make_help_request(
        actor=officer,
        source="officer",
        resident=second,
        name=second.full_name,
        goal="Video calls with my grandchildren",
        topics=["video_calls", "smartphone"],
        places=["community_centre"],
        availability=["tue_pm"],
        postcode=second.postcode,
    )
    services.make_help_request(
        actor=None,
        source="public",
        name="Pat Public",
        email="pat@example.org",
        goal="Bank online safely",
        topics=["online_banking", "scams"],
        places=["library"],
        availability=["sat_am"],
        postcode="E5 0LL",
    )
    return 3


def seed_event(*, leader) -> int:
    if Event.objects.filter(starts_at__gt=timezone.now()).exists():
        return 0
    day = timezone.localdate() + datetime.timedelta(days=7)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    services.create_event(
        actor=leader,
        title="Digital speed dating",
        place="Central Library, community room",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=12,
        topics=["smartphone", "email", "nhs_app"],
        description="Bring your own phone, tablet or laptop and meet several Digital Friends.",
    )
    return 1


def seed(*, seed: int, staff, newest: int) -> str:
    """The seed_demo hook."""
    admin = staff.accounts[roles.ADMINISTRATOR]
    leader = staff.accounts[roles.TEAM_LEADER]
    officer = staff.accounts[roles.OFFICER]
    friends = seed_friends(admin=admin, friend_account=staff.accounts[roles.DIGITAL_FRIEND])
    residents = list(Resident.objects.filter(merged_into=None).order_by("-id")[: min(newest, 12)])
    checks = seed_checks(seed=seed, residents=residents, officer=officer)
    requests = seed_requests(residents=residents, officer=officer, leader=leader, gareth=friends[0])
    events = seed_event(leader=leader)
    return (
        f"  {len(friends)} Digital Friends, {checks} skills checks, {requests} help requests "
        f"and {events} drop-in event added"
    )
