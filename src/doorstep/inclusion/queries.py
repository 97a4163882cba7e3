"""Reads about digital inclusion, for this app's pages and the API, and for other capabilities.

Other capabilities use only these, never the tables:

    digital_level(resident)            -> 5, or None if never checked
    digital_levels([1, 2, 3])          -> {1: 5, 3: 8}
    needs_printed_copy(resident)       -> True for someone at level 1–3 or who asked for letters
    needs_help_online(resident)        -> True when they need someone to help them online
    preferred_channels(resident)       -> ["phone", "letter"]
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from . import matching, scale
from .models import (
    LIVE_MATCH_STATUSES,
    AccessNeeds,
    DigitalFriend,
    Event,
    EventSignup,
    HelpRequest,
    Match,
    Session,
    SkillsCheck,
)

AREA_PATTERN = re.compile(r"^[A-Z]{1,2}$")


def _id(resident) -> int:
    return getattr(resident, "pk", resident)


# --- For other capabilities ---------------------------------------------------------------


def latest_check(resident) -> SkillsCheck | None:
    return (
        SkillsCheck.objects.filter(resident_id=_id(resident))
        .select_related("checked_by")
        .order_by("-checked_at", "-id")
        .first()
    )


def digital_level(resident) -> int | None:
    return (
        SkillsCheck.objects.filter(resident_id=_id(resident))
        .order_by("-checked_at", "-id")
        .values_list("level", flat=True)
        .first()
    )


def digital_levels(resident_ids: Iterable[int]) -> dict[int, int]:
    """The newest level of each resident who has had a check; others are left out."""
    found: dict[int, int] = {}
    rows = (
        SkillsCheck.objects.filter(resident_id__in=list(resident_ids))
        .order_by("resident_id", "-checked_at", "-id")
        .values_list("resident_id", "level")
    )
    for resident_id, level in rows:
        found.setdefault(resident_id, level)
    return found


def access_needs(resident) -> AccessNeeds | None:
    return AccessNeeds.objects.filter(resident_id=_id(resident)).first()


def needs_printed_copy(resident) -> bool:
    """Send paper, not a link: level 1–3 on the scale, or letters asked for."""
    needs = access_needs(resident)
    if needs is not None and AccessNeeds.Channel.LETTER in needs.channels:
        return True
    level = digital_level(resident)
    return level is not None and level <= scale.OFFLINE_MAX_LEVEL


def needs_help_online(resident) -> bool:
    needs = access_needs(resident)
    if needs is not None and needs.needs_help_online:
        return True
    level = digital_level(resident)
    return level is not None and level <= scale.OFFLINE_MAX_LEVEL


def preferred_channels(resident) -> list[str]:
    needs = access_needs(resident)
    return list(needs.channels) if needs else []


# --- This app's pages -----------------------------------------------------------------------


def checks_for(resident) -> QuerySet[SkillsCheck]:
    return SkillsCheck.objects.filter(resident_id=_id(resident)).select_related("checked_by")


def open_requests_for(resident) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(resident_id=_id(resident)).exclude(
        status=HelpRequest.Status.CLOSED
    )


def live_load(friend_ids: Iterable[int] | None = None) -> dict[int, int]:
    """How many live matches (offered or accepted) each Friend has."""
    matches = Match.objects.filter(status__in=LIVE_MATCH_STATUSES)
    if friend_ids is not None:
        matches = matches.filter(friend_id__in=list(friend_ids))
    return dict(
        matches.order_by().values("friend_id").annotate(n=Count("id")).values_list("friend_id", "n")
    )


FRIEND_FIELDS = ("id", "full_name", *DigitalFriend.OFFER_FIELDS, "status", "dbs_checked_on")


def candidates(friends=None, *, with_load: bool = True) -> list[matching.Candidate]:
    """Every approved Friend as a matching candidate, with their current load."""
    rows = (
        (friends if friends is not None else DigitalFriend.objects)
        .filter(status=DigitalFriend.Status.APPROVED)
        .values_list(*FRIEND_FIELDS)
    )
    load = live_load() if with_load else {}
    return [
        matching.Candidate(
            id=pk,
            name=name,
            topics=frozenset(topics),
            languages=frozenset(matching.normal_language(x) for x in languages),
            places=frozenset(places),
            slots=frozenset(slots),
            postcode=postcode,
            capacity=capacity,
            load=load.get(pk, 0),
            approved=status == DigitalFriend.Status.APPROVED,
            paused=status == DigitalFriend.Status.PAUSED,
            dbs_checked=dbs is not None,
        )
        for pk, name, topics, languages, places, slots, postcode, capacity, status, dbs in rows
    ]


# One pool per process: reading and decoding 10,000 Friends takes far longer than ranking them,
# and Friends change far less often than requests come. After an edit only the Friends changed
# since the pool was built are read again; a Friend removed altogether (the count falls short)
# makes it start again.
_POOL: dict = {"pool": None, "count": None, "last": None, "ids": frozenset()}


def pool() -> matching.Pool:
    state = DigitalFriend.objects.aggregate(n=Count("id"), last=Max("changed_at"))
    cached = _POOL["pool"]
    if cached is not None and (state["n"], state["last"]) == (_POOL["count"], _POOL["last"]):
        return cached
    if cached is not None and state["last"] is not None and _POOL["last"] is not None:
        # ">=": a change made in the same instant as the last one seen is read again.
        changed = DigitalFriend.objects.filter(changed_at__gte=_POOL["last"])
        changed_ids = set(changed.values_list("id", flat=True))
        ids = _POOL["ids"] | changed_ids
        if len(ids) == state["n"]:
            _remember(cached.updated(changed_ids, candidates(changed, with_load=False)), state, ids)
            return _POOL["pool"]
    ids = frozenset(DigitalFriend.objects.values_list("id", flat=True))
    _remember(matching.Pool(candidates(with_load=False)), state, ids)
    return _POOL["pool"]


def _remember(built: matching.Pool, state: dict, ids) -> None:
    _POOL.update(pool=built, count=state["n"], last=state["last"], ids=frozenset(ids))


def need_of(help_request: HelpRequest) -> matching.Need:
    return matching.make_need(
        topics=help_request.topics,
        language=help_request.language,
        places=help_request.places,
        slots=help_request.availability,
        postcode=help_request.postcode,
    )


def ranked_friends(help_request: HelpRequest, limit: int | None = 10) -> list[matching.Ranked]:
    """Three small queries (pool check, loads, and the Friends only when they changed)."""
    return matching.rank(need_of(help_request), pool(), limit=limit, loads=live_load())


def friend_for(staff) -> DigitalFriend | None:
    if not getattr(staff, "is_authenticated", False):
        return None
    return DigitalFriend.objects.filter(staff=staff).first()


def matches_for_friend(staff) -> QuerySet[Match]:
    """Only the Friend's own matches: the list a Friend sees."""
    return (
        Match.objects.filter(friend__staff=staff)
        .exclude(status=Match.Status.DECLINED)
        .select_related("help_request")
        .order_by("-offered_at", "-id")
    )


def match_for_friend(staff, pk: int) -> Match | None:
    return matches_for_friend(staff).filter(pk=pk).first()


def waiting_requests() -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(
        status__in=[HelpRequest.Status.WAITING, HelpRequest.Status.OFFERED]
    ).order_by("created_at", "id")


def upcoming_events() -> QuerySet[Event]:
    return Event.objects.filter(starts_at__gt=timezone.now()).annotate(
        booked=Count("signups", filter=Q(signups__status=EventSignup.Status.BOOKED)),
        waiting=Count("signups", filter=Q(signups__status=EventSignup.Status.WAITING)),
    )


# --- One record, and lists for coordinators and the API -----------------------------------------


def skills_check(pk: int) -> SkillsCheck | None:
    return SkillsCheck.objects.select_related("resident", "checked_by").filter(pk=pk).first()


def friend(pk: int) -> DigitalFriend | None:
    return DigitalFriend.objects.filter(pk=pk).first()


def help_request(pk: int) -> HelpRequest | None:
    return HelpRequest.objects.select_related("resident").filter(pk=pk).first()


def match(pk: int) -> Match | None:
    return Match.objects.select_related("help_request", "friend").filter(pk=pk).first()


def session(pk: int) -> Session | None:
    return Session.objects.select_related("match__friend").filter(pk=pk).first()


def event(pk: int) -> Event | None:
    return Event.objects.filter(pk=pk).first()


def event_signup(pk: int) -> EventSignup | None:
    return EventSignup.objects.select_related("event").filter(pk=pk).first()


def friends(status: str | None = None) -> QuerySet[DigitalFriend]:
    found = DigitalFriend.objects.all()
    return found.filter(status=status) if status else found


def applicants() -> QuerySet[DigitalFriend]:
    return friends(DigitalFriend.Status.APPLIED)


def friends_with_load() -> list[DigitalFriend]:
    """Every Friend, each with `load`: how many live matches they have."""
    rows = list(friends())
    load = live_load([f.pk for f in rows])
    for row in rows:
        row.load = load.get(row.pk, 0)
    return rows


def matches_of_request(help_request: HelpRequest) -> list[Match]:
    return list(help_request.matches.select_related("friend"))


def matches_of_friend(friend: DigitalFriend, limit: int = 20) -> list[Match]:
    return list(friend.matches.select_related("help_request")[:limit])


def sessions_of(match: Match) -> list[Session]:
    return list(match.sessions.all())


def help_requests(status: str | None = None, limit: int = 100) -> list[HelpRequest]:
    """Oldest first."""
    found = HelpRequest.objects.order_by("created_at", "id")
    if status:
        found = found.filter(status=status)
    return list(found[:limit])


def sessions(
    *, help_request_id: int | None = None, friend_id: int | None = None, limit: int = 100
) -> list[Session]:
    found = Session.objects.select_related("match")
    if help_request_id is not None:
        found = found.filter(match__help_request_id=help_request_id)
    if friend_id is not None:
        found = found.filter(match__friend_id=friend_id)
    return list(found[:limit])


def recent_events(days: int = 30) -> QuerySet[Event]:
    """Events from `days` ago on, for the coordinator's list."""
    return Event.objects.filter(starts_at__gte=timezone.now() - datetime.timedelta(days=days))


def places_taken(event: Event) -> dict[str, list[EventSignup]]:
    """Who is booked and who is waiting (cancelled places left out)."""
    signups = list(event.signups.exclude(status=EventSignup.Status.CANCELLED))
    return {
        "booked": [s for s in signups if s.status == EventSignup.Status.BOOKED],
        "waiting": [s for s in signups if s.status == EventSignup.Status.WAITING],
    }


# --- Impact ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Impact:
    start: datetime.date
    end: datetime.date
    area: str
    people_helped: int
    sessions: int
    hours: float
    moved_up: int
    now_online: int
    active_friends: int
    approved_friends: int
    waiting_too_long: int
    waiting_days: int
    checks: int


def impact(*, start: datetime.date, end: datetime.date, area: str = "") -> Impact:
    """The coordinator's figures for sessions held and checks made from start to end (inclusive),
    optionally for learners in one postcode area (like "E")."""
    area = area.strip().upper()
    sessions = Session.objects.filter(held_on__gte=start, held_on__lte=end)
    if area:
        if not AREA_PATTERN.match(area):
            raise ValueError("Enter a postcode area: one or two letters, like E or SW")
        # "E" must not take in "EC" or "EN": the letters are followed by a digit.
        sessions = sessions.filter(match__help_request__postcode__regex=rf"^{area}[0-9]")
    totals = sessions.aggregate(n=Count("id"), minutes=Sum("minutes"))
    people = sessions.values("match__help_request").distinct().count()
    now_online = sessions.filter(now_online=True).values("match__help_request").distinct().count()
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    end_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    checks = SkillsCheck.objects.filter(checked_at__gte=start_at, checked_at__lte=end_at)
    if area:
        checks = checks.filter(resident__postcode__regex=rf"^{area}[0-9]")
    moved_up = (
        checks.filter(previous_level__isnull=False, level__gt=F("previous_level"))
        .values("resident_id")
        .distinct()
        .count()
    )
    friends = DigitalFriend.objects.filter(status=DigitalFriend.Status.APPROVED)
    active = sessions.values("match__friend").distinct().count()
    cutoff = timezone.now() - datetime.timedelta(days=settings.INCLUSION_WAITING_DAYS)
    waiting = waiting_requests().filter(created_at__lt=cutoff)
    if area:
        waiting = waiting.filter(postcode__regex=rf"^{area}[0-9]")
    return Impact(
        start=start,
        end=end,
        area=area,
        people_helped=people,
        sessions=totals["n"] or 0,
        hours=round((totals["minutes"] or 0) / 60, 1),
        moved_up=moved_up,
        now_online=now_online,
        active_friends=active,
        approved_friends=friends.count(),
        waiting_too_long=waiting.count(),
        waiting_days=settings.INCLUSION_WAITING_DAYS,
        checks=checks.count(),
    )
