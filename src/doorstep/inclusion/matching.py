"""Ranking Digital Friends for a help request. Pure: plain values in, ranked list out.

Who is offered at all: approved Friends (not paused, not waiting for checks) with a free place
(fewer live matches than the number of people they take at a time) who share at least one
topic with the request. Home visits need a DBS check; a Friend without one is not offered for
a request that can only be met at home.

How they are ranked: points out of 100, with the reasons shown to the coordinator.

    topic           up to 40   share of the request's topics the Friend helps with
    language        20         speaks the learner's language
    place           15         at least one place in common
    availability    up to 15   share of the learner's times the Friend is free
    distance        6 / 3 / 0  same postcode district / same postcode area / elsewhere
    load            up to 4    fewer people already being helped

Distance is by postcode, without any map data: "E8 1DY" is in district "E8" and area "E".
Same district ranks above same area letters, which ranks above anywhere else. It is a rough
guide: two neighbouring districts in different areas (E5 and N16) count as "elsewhere".
When the only places in common are by phone or video, distance does not count.

Ties are broken by load (fewest first), then name, then id, so the same data always gives
the same order.
"""

import heapq
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .skills import PLACES, REMOTE_PLACES, TOPICS

TOPIC_POINTS = 40
LANGUAGE_POINTS = 20
PLACE_POINTS = 15
AVAILABILITY_POINTS = 15
SAME_DISTRICT_POINTS = 6
SAME_AREA_POINTS = 3
LOAD_POINTS = 4

_OUTWARD = re.compile(r"^([A-Z]{1,2})(\d[A-Z\d]?)$")


def district(postcode: str) -> str:
    """The outward code ("E8" of "E8 1DY"); empty when the postcode is empty or odd."""
    outward = (postcode or "").strip().upper().split(" ")[0]
    return outward if _OUTWARD.match(outward) else ""


def area(postcode: str) -> str:
    """The letters at the start ("E" of "E8 1DY", "SW" of "SW1A 1AA")."""
    found = _OUTWARD.match(district(postcode))
    return found.group(1) if found else ""


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    topics: frozenset[str]
    languages: frozenset[str]
    places: frozenset[str]
    slots: frozenset[str]
    postcode: str = ""
    capacity: int = 1
    load: int = 0
    approved: bool = True
    paused: bool = False
    dbs_checked: bool = False

    # Worked out once per candidate: the pool is reused for many requests.
    @cached_property
    def district(self) -> str:
        return district(self.postcode)

    @cached_property
    def area(self) -> str:
        return area(self.postcode)

    @cached_property
    def usable_places(self) -> frozenset[str]:
        """Home visits only with a DBS check."""
        return self.places if self.dbs_checked else self.places - {"home_visit"}

    @cached_property
    def travel_places(self) -> frozenset[str]:
        return self.usable_places - REMOTE_PLACES


@dataclass(frozen=True)
class Need:
    topics: frozenset[str]
    language: str
    places: frozenset[str]
    slots: frozenset[str]
    postcode: str = ""


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: int
    reasons: list[str] = field(default_factory=list)
    # Live matches when ranked (the candidate's own `load`, or the one passed to `rank`).
    load: int = 0


def normal_language(name: str) -> str:
    return (name or "").strip().casefold()


def make_need(
    *,
    topics: Iterable[str],
    language: str,
    places: Iterable[str],
    slots: Iterable[str],
    postcode="",
) -> Need:
    return Need(
        topics=frozenset(topics),
        language=normal_language(language) or "english",
        places=frozenset(places),
        slots=frozenset(slots),
        postcode=postcode or "",
    )


class Pool:
    """Candidates indexed by topic, so a request only looks at Friends who share a topic.

    Build it once and reuse it while the Friends do not change (queries.pool caches it); the
    loads change more often and are passed to `rank` separately.
    """

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.by_id: dict[int, Candidate] = {candidate.id: candidate for candidate in candidates}
        self.by_topic: dict[str, list[Candidate]] = {}
        for candidate in self.by_id.values():
            for topic in candidate.topics:
                self.by_topic.setdefault(topic, []).append(candidate)

    @property
    def candidates(self) -> list[Candidate]:
        return list(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def updated(self, changed_ids: Iterable[int], fresh: Iterable[Candidate]) -> "Pool":
        """A new pool with the Friends in `changed_ids` replaced by `fresh` (those still
        candidates). Only the topics they had or now have are rebuilt; everyone else is reused
        as they are, already worked out."""
        changed = set(changed_ids)
        fresh = list(fresh)
        touched = {topic for candidate in fresh for topic in candidate.topics}
        touched.update(
            topic for pk in changed if pk in self.by_id for topic in self.by_id[pk].topics
        )
        pool = Pool(())
        pool.by_id = {pk: c for pk, c in self.by_id.items() if pk not in changed}
        pool.by_id.update((candidate.id, candidate) for candidate in fresh)
        pool.by_topic = dict(self.by_topic)
        for topic in touched:
            kept = [c for c in self.by_topic.get(topic, []) if c.id not in changed]
            pool.by_topic[topic] = kept + [c for c in fresh if topic in c.topics]
        return pool

    def sharing(self, topics: frozenset[str]) -> Iterable[Candidate]:
        if len(topics) == 1:
            return self.by_topic.get(next(iter(topics)), [])
        found: dict[int, Candidate] = {}
        for topic in topics:
            for candidate in self.by_topic.get(topic, []):
                found[candidate.id] = candidate
        return found.values()


def _eligible(candidate: Candidate, need: Need, load: int) -> bool:
    if not candidate.approved or candidate.paused:
        return False
    if load >= candidate.capacity:
        return False
    if not candidate.topics & need.topics:
        return False
    if need.places == {"home_visit"} and not candidate.dbs_checked:
        return False
    return True


def _topics_part(candidate: Candidate, need: Need) -> tuple[int, str]:
    topics = candidate.topics & need.topics
    points = round(TOPIC_POINTS * len(topics) / len(need.topics))
    reason = f"Helps with {', '.join(TOPICS.get(t, t) for t in sorted(topics)).lower()}" + (
        f" ({len(topics)} of {len(need.topics)} topics)" if len(need.topics) > 1 else ""
    )
    return points, reason


def _language_part(candidate: Candidate, need: Need) -> tuple[int, str]:
    if need.language in candidate.languages:
        return LANGUAGE_POINTS, f"Speaks {need.language.title()}"
    return 0, f"Does not speak {need.language.title()}"


def _places_part(candidate: Candidate, need: Need) -> tuple[int, str]:
    if not need.places:
        return 0, ""
    usable_places = candidate.usable_places & need.places
    if usable_places:
        names = ", ".join(PLACES.get(p, p) for p in sorted(usable_places)).lower()
        return PLACE_POINTS, f"Can meet: {names}"
    return 0, "No place in common"


def _slots_part(candidate: Candidate, need: Need) -> tuple[int, str]:
    if not need.slots:
        return 0, ""
    common = candidate.slots & need.slots
    points = round(AVAILABILITY_POINTS * len(common) / len(need.slots))
    if common:
        return points, f"Free at {len(common)} of the {len(need.slots)} times asked for"
    return points, "Not free at the times asked for"


def _nearby_part(
    candidate: Candidate, need: Need, need_district: str, need_area: str
) -> tuple[int, str]:
    travels = bool(candidate.travel_places & need.places) if need.places else True
    if not (travels and need_district):
        return 0, ""
    if candidate.district == need_district:
        return SAME_DISTRICT_POINTS, f"Same postcode district ({need_district})"
    if need_area and candidate.area == need_area:
        return SAME_AREA_POINTS, f"Same postcode area ({need_area})"
    return 0, ""


def _load_part(candidate: Candidate, load: int) -> tuple[int, str]:
    points = round(LOAD_POINTS * (candidate.capacity - load) / candidate.capacity)
    if load:
        return points, f"Helping {load} of up to {candidate.capacity}"
    return points, f"Helping nobody yet (up to {candidate.capacity})"


def _evaluate(
    candidate: Candidate, need: Need, need_district: str, need_area: str, load: int, explain: bool
) -> tuple[int, list[str]]:
    """Points, and the reasons when `explain` (only worked out for the Friends shown)."""
    parts = [
        _topics_part(candidate, need),
        _language_part(candidate, need),
        _places_part(candidate, need),
        _slots_part(candidate, need),
        _nearby_part(candidate, need, need_district, need_area),
        _load_part(candidate, load),
    ]
    points = sum(points for points, _ in parts)
    return points, [reason for _, reason in parts if reason] if explain else []


def _points(candidate: Candidate, need: Need, need_district: str, need_area: str, load: int) -> int:
    """The same points as _evaluate, without the words: run for every eligible Friend, so kept
    lean (tests/inclusion/test_matching.py checks the two always agree)."""
    points = round(TOPIC_POINTS * len(candidate.topics & need.topics) / len(need.topics))
    if need.language in candidate.languages:
        points += LANGUAGE_POINTS
    if need.places:
        if candidate.usable_places & need.places:
            points += PLACE_POINTS
        travels = bool(candidate.travel_places & need.places)
    else:
        travels = True
    if need.slots:
        points += round(AVAILABILITY_POINTS * len(candidate.slots & need.slots) / len(need.slots))
    if travels and need_district:
        if candidate.district == need_district:
            points += SAME_DISTRICT_POINTS
        elif need_area and candidate.area == need_area:
            points += SAME_AREA_POINTS
    return points + round(LOAD_POINTS * (candidate.capacity - load) / candidate.capacity)


def rank(
    need: Need,
    candidates: "Iterable[Candidate] | Pool",
    limit: int | None = 10,
    loads: Mapping[int, int] | None = None,
) -> list[Ranked]:
    """The eligible candidates, best first, at most `limit` of them (None for all).

    `loads` (Friend id -> live matches) overrides each candidate's own `load` when given.
    """
    if not need.topics:
        return []
    pool = candidates if isinstance(candidates, Pool) else Pool(candidates)
    need_district = district(need.postcode)
    need_area = area(need.postcode)
    scored = []
    for candidate in pool.sharing(need.topics):
        load = candidate.load if loads is None else loads.get(candidate.id, 0)
        if _eligible(candidate, need, load):
            points = _points(candidate, need, need_district, need_area, load)
            scored.append((-points, load, candidate.name.casefold(), candidate.id, candidate))
    if limit is None:
        chosen = sorted(scored, key=lambda row: row[:4])
    else:
        chosen = heapq.nsmallest(limit, scored, key=lambda row: row[:4])
    ranked = []
    for _, load, _, _, candidate in chosen:
        points, reasons = _evaluate(candidate, need, need_district, need_area, load, True)
        ranked.append(Ranked(candidate, points, reasons, load))
    return ranked
