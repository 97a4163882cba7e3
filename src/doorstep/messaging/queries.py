"""Reads for the officer pages and the API: conversations, the Single View panel, group texts,
the phone simulator."""

from dataclasses import dataclass
from itertools import chain

from django.db.models import Count, Max, Q, QuerySet, Window
from django.utils import timezone

from doorstep.residents.models import Phone, Resident

from .composing import NotTextable, check_textable
from .models import FAILURE_STATUSES, Cohort, Message, OutboxEntry, Suppression, Template

# A conversation page shows this many of the newest texts; older ones stay on the timeline.
CONVERSATION_LIMIT = 200
PANEL_TEXTS = 3
UNREAD = Q(direction=Message.Direction.INBOUND, read_at__isnull=True)


def active_templates() -> list[Template]:
    return list(Template.objects.filter(is_active=True))


def all_templates() -> list[Template]:
    return list(Template.objects.order_by("-is_active", "name"))


def active_template(pk: int) -> Template | None:
    return Template.objects.filter(pk=pk, is_active=True).first()


def text_with_key(idempotency_key: str) -> Message | None:
    """The text already queued under this idempotency key, if any."""
    return Message.objects.filter(idempotency_key=idempotency_key).first()


def resident_texts(resident_id: int, *, before_id: int | None = None, limit: int) -> list[Message]:
    """The resident's texts, newest first (for the API: paged by id)."""
    texts = Message.objects.filter(resident_id=resident_id).order_by("-id")
    if before_id is not None:
        texts = texts.filter(pk__lt=before_id)
    return list(texts[:limit])


@dataclass(frozen=True)
class Conversation:
    messages: list[Message]
    more: bool  # older texts left out


def conversation(resident_pk: int) -> Conversation:
    """The resident's texts both ways, oldest first, like a phone shows them."""
    newest = list(
        Message.objects.filter(resident_id=resident_pk)
        .select_related("staff", "handled_by", "template")
        .order_by("-created_at", "-id")[: CONVERSATION_LIMIT + 1]
    )
    return Conversation(
        messages=newest[:CONVERSATION_LIMIT][::-1], more=len(newest) > CONVERSATION_LIMIT
    )


@dataclass(frozen=True)
class MobileState:
    phone: Phone
    suppression: Suppression | None

    @property
    def opted_out(self) -> bool:
        return self.suppression is not None


def mobile_states(resident: Resident) -> list[MobileState]:
    """Each of the resident's mobiles, and whether it has opted out of texts (and why)."""
    mobiles = [phone for phone in resident.phones.all() if phone.is_mobile]
    suppressions = {
        suppression.number: suppression
        for suppression in Suppression.objects.filter(
            number__in=[phone.number for phone in mobiles]
        ).select_related("created_by")
    }
    return [MobileState(phone, suppressions.get(phone.number)) for phone in mobiles]


@dataclass(frozen=True)
class Textability:
    numbers: list[Phone]  # mobiles that can be texted now
    refusals: list[NotTextable]  # why the others (or the resident) cannot

    @property
    def codes(self) -> set[str]:
        return {refusal.code for refusal in self.refusals}


def textability(resident: Resident) -> Textability:
    """Which numbers can be texted, and the service's plain reasons for the rest."""
    numbers, refusals = [], []
    phones = list(resident.phones.all())
    for phone in phones:
        try:
            check_textable(resident, phone.number)
        except NotTextable as refusal:
            if refusal.code != "no_consent":  # said once, below
                refusals.append(refusal)
        else:
            numbers.append(phone)
    if not any(phone.is_mobile for phone in phones):
        try:
            check_textable(resident)
        except NotTextable as refusal:
            refusals.insert(0, refusal)
    elif not resident.consents_to_text:
        try:
            check_textable(resident, next(p.number for p in phones if p.is_mobile))
        except NotTextable as refusal:
            refusals.insert(0, refusal)
    return Textability(numbers=numbers, refusals=refusals)


def panel_summary(resident: Resident) -> dict:
    """The Single View panel: newest texts and the unread count in one query, opt-outs in a
    second (none when the resident has no mobile)."""
    recent = list(
        Message.objects.filter(resident_id=resident.pk)
        .annotate(unread_total=Window(Count("pk", filter=UNREAD)))
        .order_by("-created_at", "-id")[:PANEL_TEXTS]
    )
    mobiles = [phone.number for phone in resident.phones.all() if phone.is_mobile]
    opted_out = (
        set(Suppression.objects.filter(number__in=mobiles).values_list("number", flat=True))
        if mobiles
        else set()
    )
    return {
        "recent": recent,
        "unread": recent[0].unread_total if recent else 0,
        "opted_out": [phone for phone in resident.phones.all() if phone.number in opted_out],
        "has_mobile": bool(mobiles),
    }


# --- The phone simulator --------------------------------------------------------------------


@dataclass(frozen=True)
class SimulatedPhone:
    number: str
    texts: int
    last_at: object
    names: list[str]


def simulator_numbers() -> list[SimulatedPhone]:
    rows = list(
        OutboxEntry.objects.values("number")
        .annotate(texts=Count("id"), last_at=Max("created_at"))
        .order_by("-last_at")
    )
    names = _names([row["number"] for row in rows])
    return [
        SimulatedPhone(row["number"], row["texts"], row["last_at"], names.get(row["number"], []))
        for row in rows
    ]


def _names(numbers: list[str]) -> dict[str, list[str]]:
    """Whose phone each number is, from the residents' records (a number can be shared)."""
    names: dict[str, list[str]] = {}
    for phone in Phone.objects.filter(
        number__in=numbers, resident__merged_into=None
    ).select_related("resident"):
        names.setdefault(phone.number, []).append(phone.resident.full_name)
    return names


def names_for_number(number: str) -> list[str]:
    return _names([number]).get(number, [])


@dataclass(frozen=True)
class SimulatedText:
    incoming: bool  # to the phone, from the council
    body: str
    at: object
    status: str


def simulator_thread(number: str) -> list[SimulatedText]:
    """What the resident's phone shows: texts the outbox 'sent', and the replies typed here."""
    received = (
        SimulatedText(True, entry.body, entry.created_at, entry.status)
        for entry in OutboxEntry.objects.filter(number=number)
    )
    sent = (
        SimulatedText(False, message.body, message.received_at or message.created_at, "")
        for message in Message.objects.filter(
            number=number, direction=Message.Direction.INBOUND, provider="outbox"
        )
    )
    return sorted(chain(received, sent), key=lambda text: text.at)


def texts_with_key_prefix(*, resident_id: int, prefix: str):
    """The texts another capability sent this resident under keys starting `prefix`, oldest first.

    Capabilities send with idempotency keys like "evidence:<request id>:…", so this finds the
    texts one evidence request (or plan) sent without that app reading the messages table.
    """
    return Message.objects.filter(
        resident_id=resident_id, idempotency_key__startswith=prefix
    ).order_by("created_at")


# --- Group texts -----------------------------------------------------------------------------

# Texts still waiting or on their way; once none are, the group text has finished sending.
IN_FLIGHT = [Message.Status.QUEUED, Message.Status.SENDING]


def cohorts_with_counts() -> QuerySet:
    """Every group text, newest first, with how many of its texts were delivered or failed."""
    return (
        Cohort.objects.select_related("created_by")
        .annotate(
            delivered=Count("messages", filter=Q(messages__status=Message.Status.DELIVERED)),
            failed=Count("messages", filter=Q(messages__status__in=FAILURE_STATUSES)),
        )
        .order_by("-created_at", "-pk")
    )


def progress(cohort: Cohort) -> dict[str, int]:
    """How many of the cohort's texts are in each status."""
    rows = Message.objects.filter(cohort=cohort).values_list("status").annotate(n=Count("id"))
    return dict(rows)


def cohort_sending_now(cohort: Cohort, counts: dict[str, int]) -> bool:
    """Whether some of its texts are due now (not waiting for a time chosen, or quiet hours)."""
    if not any(counts.get(status) for status in IN_FLIGHT):
        return False
    return Message.objects.filter(
        cohort=cohort, status__in=IN_FLIGHT, send_after__lte=timezone.now()
    ).exists()
