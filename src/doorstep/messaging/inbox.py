"""Reads for the officer inboxes: conversations with residents, and texts nobody could match.

A conversation is every text to or from one resident. Each inbox is one grouped query over
messages (one row per resident), so a page costs the same whatever the number of conversations.

Words used on the pages:
- unread: texts from the resident nobody has opened or dealt with. STOP and START texts are
  dealt with automatically, so they are never unread.
- replied: the resident's latest text came after the last text an officer wrote. Automatic
  texts (group texts, reminders, opt-out confirmations) do not answer a resident.
- needs a reply: replied, and that text has not been marked as dealt with.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from doorstep.core.validators import format_phone_for_display
from doorstep.residents.models import Phone, Resident

from .models import Message

CONVERSATIONS_PER_PAGE = 25
NUMBERS_PER_PAGE = 25
SNIPPET_LENGTH = 90

ALL = "all"
MINE = "mine"
TEAM = "team"
NEEDS_REPLY = "needs-reply"
SHOW_CHOICES = [
    (ALL, "All conversations"),
    (MINE, "My conversations"),
    (TEAM, "My team's conversations"),
    (NEEDS_REPLY, "Needs a reply"),
]

_UNREAD = Q(direction=Message.Direction.INBOUND, read_at=None, handled_at=None)
_OFFICER_TEXT = Q(direction=Message.Direction.OUTBOUND, kind=Message.Kind.ONE_OFF)


def _sent_or_received() -> Q:
    """Texts that went or came: not a reminder waiting for its day, nor one never sent."""
    return ~Q(status=Message.Status.CANCELLED) & ~Q(
        status=Message.Status.QUEUED, send_after__gt=timezone.now()
    )


def unread_count(user) -> int:
    """Unread texts in the conversations this member of staff looks after (the header badge)."""
    return Message.objects.filter(_UNREAD, staff=user, resident__isnull=False).count()


def _latest(direction: str, column: str) -> Subquery:
    """`column` of the resident's latest text in that direction with `column` filled in."""
    return Subquery(
        Message.objects.filter(
            resident_id=OuterRef("resident_id"),
            direction=direction,
            **{f"{column}__isnull": False},
        )
        .order_by("-created_at", "-pk")
        .values(column)[:1]
    )


def _residents_whose_latest(column: str, values: QuerySet | list) -> QuerySet:
    """Residents whose latest text in, or latest text out, has `column` among `values`.

    Only the residents with some text matching at all are looked at, through the index on it.
    """
    return (
        Message.objects.filter(**{f"{column}__in": values}, resident__isnull=False)
        .annotate(
            latest_in=_latest(Message.Direction.INBOUND, column),
            latest_out=_latest(Message.Direction.OUTBOUND, column),
        )
        .filter(Q(latest_in__in=values) | Q(latest_out__in=values))
        .values("resident_id")
    )


def _conversation_rows(user, show: str) -> QuerySet:
    rows = Message.objects.filter(resident__isnull=False, resident__merged_into=None)
    if show == MINE:
        rows = rows.filter(resident_id__in=_residents_whose_latest("staff_id", [user.pk]))
    elif show == TEAM:
        my_teams = user.teams.values("pk")
        rows = rows.filter(resident_id__in=_residents_whose_latest("team_id", my_teams))
    rows = (
        rows.values("resident_id")
        .annotate(
            # A conversation with only a scheduled text still shows, at the time it was made.
            last_at=Coalesce(Max("created_at", filter=_sent_or_received()), Max("created_at")),
            unread=Count("pk", filter=_UNREAD),
            last_in_at=Max("created_at", filter=Q(direction=Message.Direction.INBOUND)),
            last_officer_at=Max("created_at", filter=_OFFICER_TEXT),
            unhandled_in_at=Max(
                "created_at", filter=Q(direction=Message.Direction.INBOUND, handled_at=None)
            ),
        )
        .order_by("-last_at", "-resident_id")
    )
    if show == NEEDS_REPLY:
        rows = rows.filter(unhandled_in_at__isnull=False).filter(
            Q(last_officer_at__isnull=True) | Q(unhandled_in_at__gt=F("last_officer_at"))
        )
    return rows


@dataclass
class Conversation:
    resident: Resident
    last_at: datetime
    unread: int
    replied: bool
    needs_reply: bool
    last_body: str
    last_direction: str

    @property
    def snippet(self) -> str:
        body = " ".join(self.last_body.split())
        if len(body) <= SNIPPET_LENGTH:
            return body
        return body[: SNIPPET_LENGTH - 1].rstrip() + "…"

    @property
    def last_from_resident(self) -> bool:
        return self.last_direction == Message.Direction.INBOUND


def conversations(*, user, show: str = ALL, page: object = 1) -> tuple[Page, list[Conversation]]:
    """One page of conversations, newest activity first: three queries whatever the size."""
    paginator = Paginator(_conversation_rows(user, show), CONVERSATIONS_PER_PAGE)
    page_obj = paginator.get_page(page)
    rows = list(page_obj.object_list)
    latest = Message.objects.filter(_sent_or_received(), resident_id=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    residents = Resident.objects.filter(pk__in=[row["resident_id"] for row in rows]).annotate(
        last_body=Subquery(latest.values("body")[:1]),
        last_direction=Subquery(latest.values("direction")[:1]),
    )
    by_pk = {resident.pk: resident for resident in residents}
    items = []
    for row in rows:
        resident = by_pk.get(row["resident_id"])
        if resident is None:
            continue  # merged or removed between the two queries
        officer_at = row["last_officer_at"]
        replied = row["last_in_at"] is not None and (
            officer_at is None or row["last_in_at"] > officer_at
        )
        needs_reply = row["unhandled_in_at"] is not None and (
            officer_at is None or row["unhandled_in_at"] > officer_at
        )
        items.append(
            Conversation(
                resident=resident,
                last_at=row["last_at"],
                unread=row["unread"],
                replied=replied,
                needs_reply=needs_reply,
                last_body=resident.last_body or "",
                last_direction=resident.last_direction or "",
            )
        )
    return page_obj, items


# --- Triage: texts from numbers that match nobody, or more than one resident ---------------


def _unmatched() -> QuerySet:
    # STOP and START texts are dealt with when they arrive (handled_at is set): the opt-out
    # belongs to the number, whoever it is, so there is nothing for anyone to decide.
    return Message.objects.filter(
        direction=Message.Direction.INBOUND, resident=None, handled_at=None
    )


@dataclass
class UnmatchedNumber:
    number: str
    count: int
    last_at: datetime
    first_text: Message
    texts: list[Message] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)

    @property
    def display(self) -> str:
        return format_phone_for_display(self.number)


def unmatched_numbers(*, page: object = 1) -> tuple[Page, list[UnmatchedNumber]]:
    """One page of numbers with texts waiting to be linked, newest first, in three queries."""
    rows = (
        _unmatched()
        .values("number")
        .annotate(count=Count("pk"), last_at=Max("created_at"))
        .order_by("-last_at", "number")
    )
    page_obj = Paginator(rows, NUMBERS_PER_PAGE).get_page(page)
    rows = list(page_obj.object_list)
    numbers = [row["number"] for row in rows]
    texts: dict[str, list[Message]] = {number: [] for number in numbers}
    for text in _unmatched().filter(number__in=numbers).order_by("-created_at", "-pk"):
        texts[text.number].append(text)
    residents: dict[str, list[Resident]] = {number: [] for number in numbers}
    for phone in (
        Phone.objects.filter(number__in=numbers, resident__merged_into=None)
        .select_related("resident")
        .order_by("resident_id")
    ):
        if phone.resident not in residents[phone.number]:
            residents[phone.number].append(phone.resident)
    items = [
        UnmatchedNumber(
            number=row["number"],
            count=row["count"],
            last_at=row["last_at"],
            first_text=texts[row["number"]][-1],
            texts=texts[row["number"]],
            residents=residents[row["number"]],
        )
        for row in rows
        if texts[row["number"]]
    ]
    return page_obj, items


def unlinked_texts_from(number: str) -> list[Message]:
    """Every text from this number not yet linked to anyone (linking takes them all)."""
    return list(
        Message.objects.filter(
            direction=Message.Direction.INBOUND, resident=None, number=number
        ).order_by("created_at", "pk")
    )


def unmatched_count() -> int:
    return _unmatched().values("number").distinct().count()
