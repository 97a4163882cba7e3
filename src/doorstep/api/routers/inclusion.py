"""Digital inclusion through the API: Digital Friends, help requests and their ranked matches,
sessions, residents' skills checks, and the impact figures.

Writes go through doorstep.inclusion.services, so they are checked, audited and counted exactly
as on the pages; rule errors come back as 422 with a message per field.
"""

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, P, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from doorstep.inclusion import access, queries, scale, services, skills
from doorstep.inclusion.models import DigitalFriend, HelpRequest, Session, SkillsCheck

from ..errors import NotFoundError
from ..lookups import found_for, live_resident
from ..schemas import (
    MAX_ID,
    Input,
    IsoDate,
    Message,
    NotFound,
    ValidationErrors,
    list_of,
    one_of,
)

router = Router(tags=["Digital inclusion"])

TOPIC_HELP = f"Topic slugs: {', '.join(skills.TOPICS)}"
PLACE_HELP = f"Place slugs: {', '.join(skills.PLACES)}"
SLOT_HELP = "Weekly times like 'mon_am', 'wed_pm', 'sat_eve' (day: mon–sun; am, pm or eve)"
TOPIC_LIST = list_of(skills.TOPICS)
PLACE_LIST = list_of(skills.PLACES)
SLOT_LIST = list_of(skills.SLOTS)
FRIEND_KINDS = one_of(DigitalFriend.Kind.values)


# --- Digital Friends -----------------------------------------------------------------------


class FriendIn(Input):
    full_name: str
    email: str
    phone: str = ""
    kind: str = Field(description="'staff' or 'community'", json_schema_extra=FRIEND_KINDS)
    topics: list[str] = Field(description=TOPIC_HELP, json_schema_extra=TOPIC_LIST)
    languages: list[str] = Field(default_factory=lambda: ["English"])
    places: list[str] = Field(description=PLACE_HELP, json_schema_extra=PLACE_LIST)
    availability: list[str] = Field(description=SLOT_HELP, json_schema_extra=SLOT_LIST)
    postcode: str = ""
    capacity: int = Field(1, description="How many people at a time, 1 to 10")
    available_from: IsoDate | None = None


class FriendOut(Schema):
    id: int
    full_name: str
    kind: str
    status: str
    topics: list[str]
    languages: list[str]
    places: list[str]
    availability: list[str]
    postcode: str
    capacity: int
    applied_at: datetime.datetime
    approved_at: datetime.datetime | None
    safeguarding_trained_on: datetime.date | None
    data_protection_trained_on: datetime.date | None
    dbs_checked_on: datetime.date | None


class FriendList(Schema):
    count: int
    items: list[FriendOut]


@router.get(
    "/digital-friends",
    response={200: FriendList, 401: Message},
    summary="Digital Friends",
    description="Every Digital Friend, or those with one status (applied, approved, paused).",
)
def list_friends(
    request: HttpRequest,
    status: Query[str | None, P(description="applied, approved, paused or declined")] = None,
):
    items = list(queries.friends(status))
    return {"count": len(items), "items": items}


@router.post(
    "/digital-friends",
    response={201: FriendOut, 401: Message, 422: ValidationErrors},
    summary="Sign up a Digital Friend",
    description="The Friend waits for checks; an Administrator approves them on the pages.",
)
def create_friend(request: HttpRequest, payload: FriendIn, response: HttpResponse):
    friend = services.sign_up_friend(actor=request.auth, request=request, **payload.dict())
    return Status(201, friend)


@router.get(
    "/digital-friends/{friend_id}",
    response={200: FriendOut, 401: Message, 404: NotFound},
    summary="A Digital Friend",
)
def get_friend(request: HttpRequest, friend_id: int):
    return found_for(access.get_friend_for, request, friend_id, "Digital Friend")


# --- Help requests -----------------------------------------------------------------------


class HelpRequestIn(Input):
    resident_id: int | None = Field(None, description="The resident, for an officer's referral")
    source: str = Field(
        "officer",
        description="officer, colleague or public",
        json_schema_extra=one_of(HelpRequest.Source.values),
    )
    name: str
    phone: str = ""
    email: str = ""
    consents_to_text: bool = False
    goal: str = Field(description="What they want to be able to do")
    topics: list[str] = Field(description=TOPIC_HELP, json_schema_extra=TOPIC_LIST)
    language: str = "English"
    places: list[str] = Field(description=PLACE_HELP, json_schema_extra=PLACE_LIST)
    availability: list[str] = Field(description=SLOT_HELP, json_schema_extra=SLOT_LIST)
    postcode: str = ""
    contact_channel: str = Field(
        "",
        description="For an officer's referral: face_to_face (the default) or phone, "
        "how the officer was in touch with the resident",
    )


class HelpRequestOut(Schema):
    id: int
    resident_id: int | None
    source: str
    status: str
    name: str
    phone: str
    email: str
    goal: str
    topics: list[str]
    language: str
    places: list[str]
    availability: list[str]
    postcode: str
    created_at: datetime.datetime


class HelpRequestList(Schema):
    count: int
    items: list[HelpRequestOut]


class MatchOut(Schema):
    friend_id: int
    friend_name: str
    score: int = Field(description="Out of 100; see docs/inclusion.md")
    reasons: list[str]
    load: int = Field(description="People the Friend is helping or has been offered now")
    capacity: int


class MatchList(Schema):
    count: int
    items: list[MatchOut] = Field(description="Best first; paused and full Friends left out")


def _help_request(request: HttpRequest, pk: int):
    return found_for(access.get_help_request_for, request, pk, "help request")


def _audit_read(request, *, resident_id, object_type: str, object_id="", detail: str) -> None:
    if resident_id:
        services.record_view(
            actor=request.auth,
            resident_id=resident_id,
            object_type=object_type,
            object_id=object_id,
            detail=detail,
            request=request,
        )


@router.get(
    "/help-requests",
    response={200: HelpRequestList, 401: Message},
    summary="Help requests",
    description="Oldest first. Filter by status: waiting, offered, arranged, helping, closed.",
)
def list_help_requests(
    request: HttpRequest,
    status: Query[str | None, P(description="One status")] = None,
    limit: Query[int, P(ge=1, le=500)] = 100,
):
    items = queries.help_requests(status, limit)
    return {"count": len(items), "items": items}


@router.post(
    "/help-requests",
    response={201: HelpRequestOut, 401: Message, 404: NotFound, 422: ValidationErrors},
    summary="Ask for a Digital Friend",
)
def create_help_request(request: HttpRequest, payload: HelpRequestIn, response: HttpResponse):
    data = payload.dict()
    resident_id = data.pop("resident_id")
    resident = live_resident(resident_id) if resident_id is not None else None
    help_request = services.make_help_request(
        actor=request.auth, resident=resident, request=request, **data
    )
    return Status(201, help_request)


@router.get(
    "/help-requests/{request_id}",
    response={200: HelpRequestOut, 401: Message, 404: NotFound},
    summary="A help request",
)
def get_help_request(request: HttpRequest, request_id: int):
    found = _help_request(request, request_id)
    _audit_read(
        request,
        resident_id=found.resident_id,
        object_type="help_request",
        object_id=found.pk,
        detail="API",
    )
    return found


@router.get(
    "/help-requests/{request_id}/matches",
    response={200: MatchList, 401: Message, 404: NotFound},
    summary="Digital Friends ranked for a request",
    description="The same ranking the coordinator sees, with the reasons.",
)
def request_matches(request: HttpRequest, request_id: int, limit: Query[int, P(ge=1, le=100)] = 10):
    found = _help_request(request, request_id)
    ranked = queries.ranked_friends(found, limit=limit)
    items = [
        {
            "friend_id": r.candidate.id,
            "friend_name": r.candidate.name,
            "score": r.score,
            "reasons": r.reasons,
            "load": r.load,
            "capacity": r.candidate.capacity,
        }
        for r in ranked
    ]
    return {"count": len(items), "items": items}


# --- Sessions ----------------------------------------------------------------------------


class SessionIn(Input):
    match_id: int = Field(description="An accepted match")
    held_on: IsoDate
    minutes: int
    topics: list[str] = Field(description=TOPIC_HELP, json_schema_extra=TOPIC_LIST)
    can_now_do: str = ""
    confidence_before: int = Field(description="1 to 5")
    confidence_after: int = Field(description="1 to 5")
    next_step: str = ""
    now_online: bool = False


class SessionOut(Schema):
    id: int
    match_id: int
    help_request_id: int
    friend_id: int
    held_on: datetime.date
    minutes: int
    topics: list[str]
    can_now_do: str
    confidence_before: int
    confidence_after: int
    next_step: str
    now_online: bool

    @staticmethod
    def resolve_help_request_id(obj: Session) -> int:
        return obj.match.help_request_id

    @staticmethod
    def resolve_friend_id(obj: Session) -> int:
        return obj.match.friend_id


class SessionList(Schema):
    count: int
    items: list[SessionOut]


@router.get(
    "/sessions",
    response={200: SessionList, 401: Message},
    summary="Sessions logged by Digital Friends",
    description="Newest first; filter by help request or Friend.",
)
def list_sessions(
    request: HttpRequest,
    help_request_id: Query[int | None, P(ge=1, le=MAX_ID)] = None,
    friend_id: Query[int | None, P(ge=1, le=MAX_ID)] = None,
    limit: Query[int, P(ge=1, le=500)] = 100,
):
    items = queries.sessions(help_request_id=help_request_id, friend_id=friend_id, limit=limit)
    return {"count": len(items), "items": items}


@router.post(
    "/sessions",
    response={201: SessionOut, 401: Message, 404: NotFound, 422: ValidationErrors},
    summary="Log a session",
)
def create_session(request: HttpRequest, payload: SessionIn, response: HttpResponse):
    data = payload.dict()
    match_id = data.pop("match_id")
    match = found_for(access.get_match_for, request, match_id, "match")
    if not access.can_log_session(request.auth, match):
        raise NotFoundError(f"There is no match with id {match_id}")
    session = services.log_session(actor=request.auth, match=match, request=request, **data)
    return Status(201, queries.session(session.pk))


# --- Skills checks -------------------------------------------------------------------------


class SkillsCheckIn(Input):
    tasks: list[str] = Field(
        default_factory=list,
        description=f"'I can…' slugs: {', '.join(skills.ALL_TASKS)}",
        json_schema_extra=list_of(skills.ALL_TASKS),
    )
    ever_used: bool
    wants_to_be_online: bool | None = None
    still_uses: bool | None = None
    likes_using: bool | None = None
    basics: str | None = Field(None, description="all, some or none")
    needs_help: bool | None = None
    advanced: bool | None = None
    has_device: bool = False
    connection: str = Field(
        description="home, mobile or none",
        json_schema_extra=one_of(dict(skills.CONNECTION_CHOICES)),
    )
    enough_data: bool = False
    confidence: int | None = Field(
        None, description="1 to 5", json_schema_extra={"minimum": 1, "maximum": 5}
    )


class SuggestionOut(Schema):
    text: str
    topic: str
    link: str


class SkillsCheckOut(Schema):
    id: int
    checked_at: datetime.datetime
    source: str
    level: int = Field(description="1 to 9 on the digital inclusion scale")
    level_label: str
    level_reason: str
    previous_level: int | None
    foundation: bool
    areas: list[str]
    tasks: list[str]
    has_device: bool
    connection: str
    enough_data: bool
    confidence: int | None
    suggestions: list[SuggestionOut]


class SkillsCheckList(Schema):
    count: int
    items: list[SkillsCheckOut] = Field(description="Newest first")


ROUTING = list(scale.RoutingAnswers.__dataclass_fields__)


@router.post(
    "/residents/{resident_id}/skills-checks",
    response={201: SkillsCheckOut, 401: Message, 404: NotFound, 422: ValidationErrors},
    summary="Record a digital skills check",
    description="Places the level by the rule in docs/inclusion.md; a routing answer the rule "
    "needs but was not sent gives 422 naming it.",
)
def create_check(
    request: HttpRequest, resident_id: int, payload: SkillsCheckIn, response: HttpResponse
):
    resident = live_resident(resident_id)
    data = payload.dict()
    routing = {name: data.pop(name) for name in ROUTING}
    check = services.record_skills_check(
        actor=request.auth,
        resident=resident,
        routing={k: v for k, v in routing.items() if v is not None},
        source=SkillsCheck.Source.OFFICER,
        request=request,
        **data,
    )
    return Status(201, check)


@router.get(
    "/residents/{resident_id}/skills-checks",
    response={200: SkillsCheckList, 401: Message, 404: NotFound},
    summary="A resident's digital skills checks",
)
def list_checks(request: HttpRequest, resident_id: int):
    resident = live_resident(resident_id)
    items = list(queries.checks_for(resident))
    _audit_read(
        request,
        resident_id=resident.pk,
        object_type="skills_check",
        detail=f"API: {len(items)} checks",
    )
    return {"count": len(items), "items": items}


# --- Impact ------------------------------------------------------------------------------


class ImpactOut(Schema):
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


@router.get(
    "/inclusion/impact",
    response={200: ImpactOut, 401: Message, 422: ValidationErrors},
    summary="Digital inclusion impact figures",
    description="For a period (default: this month so far) and optionally a postcode area.",
)
def impact(
    request: HttpRequest,
    start: Query[IsoDate | None, P(description="First day, like 2026-04-01")] = None,
    end: Query[IsoDate | None, P(description="Last day, like 2026-04-30")] = None,
    area: Query[str, P(description="Postcode area, like E or SW")] = "",
):
    today = timezone.localdate()
    start = start or today.replace(day=1)
    end = end or today
    if end < start:
        raise _query_problem("end", "The last day must be the same as or after the first day")
    try:
        return queries.impact(start=start, end=end, area=area)
    except ValueError as error:
        raise _query_problem("area", str(error)) from error


def _query_problem(name: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", name], "msg": message, "type": "value_error"}])
