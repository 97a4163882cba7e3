"""Possible duplicates and merging two records of one person.

Two live records are possible duplicates when they share a mobile number, or a first and last
name (ignoring case) and a date of birth. A person reviews each pair: merging keeps one record
and moves everything from the other onto it, so nothing about the resident is lost.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import resident_moves, timeline
from doorstep.core.changes import Timeline, record_change

from .changes import record_resident_change
from .models import (
    DuplicateCandidate,
    ExternalIdentifier,
    Flag,
    HouseholdMember,
    Note,
    Phone,
    Resident,
)
from .validation import EDITABLE_FIELDS

# Fields copied from the merged record when the kept record has nothing in them: every
# editable detail except the names (the kept record has those) and the yes/no choices (never
# "empty", so the kept record's answer stands).
FILLABLE_FIELDS = [
    name
    for name in EDITABLE_FIELDS
    if name
    not in {"first_name", "last_name", "needs_interpreter", "preferred_contact", "consents_to_text"}
]


# --- Finding possible duplicates -------------------------------------------------------------


def possible_duplicates_of(resident: Resident) -> list[tuple[int, str]]:
    """Live records that may be the same person: [(resident id, reason), ...]."""
    found: dict[int, str] = {}
    if resident.date_of_birth:
        same_name = (
            Resident.objects.filter(
                merged_into=None,
                date_of_birth=resident.date_of_birth,
                first_name__iexact=resident.first_name,
                last_name__iexact=resident.last_name,
            )
            .exclude(pk=resident.pk)
            .values_list("pk", flat=True)
        )
        for pk in same_name:
            found[pk] = DuplicateCandidate.Reason.NAME_AND_BIRTH_DATE
    mobiles = list(resident.phones.filter(is_mobile=True).values_list("number", flat=True))
    if mobiles:
        same_mobile = (
            Phone.objects.filter(number__in=mobiles, is_mobile=True, resident__merged_into=None)
            .exclude(resident_id=resident.pk)
            .values_list("resident_id", flat=True)
        )
        for pk in same_mobile:
            found.setdefault(pk, DuplicateCandidate.Reason.MOBILE)
    return sorted(found.items())


def flag_possible_duplicates(*, resident_id: int) -> int:
    """Record a candidate for each new pair; returns how many were new.

    A pair already recorded (open, merged or found to be different people) is left alone, so
    running this again never asks the same question twice.
    """
    resident = Resident.objects.get(pk=resident_id)
    if resident.merged_into_id:
        return 0
    new = 0
    for other_id, reason in possible_duplicates_of(resident):
        first, second = sorted((resident.pk, other_id))
        _, created = DuplicateCandidate.objects.get_or_create(
            resident_a_id=first, resident_b_id=second, defaults={"reason": reason}
        )
        new += created
    return new


def open_candidates() -> QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).select_related(
        "resident_a", "resident_b"
    )


# What other capabilities hold for a resident, counted on the review page, by label.
_REVIEW_COUNTS: dict[str, Callable[[int], int]] = {}


def register_review_count(label: str, count: Callable[[int], int]) -> None:
    """`count(resident_id)` is shown beside each record of a pair under `label`, so the
    reviewer sees what each record holds. Capabilities register in their AppConfig.ready()."""
    _REVIEW_COUNTS[label] = count


@dataclass
class Side:
    """One record of a pair, with what the review page shows beside it."""

    resident: Resident
    notes: int
    is_older: bool
    # (label, count) for each registered capability, in the order they registered.
    counts: list[tuple[str, int]] = field(default_factory=list)


def count_rows(sides: list[Side]) -> list[tuple[str, list[int]]]:
    """The registered counts as table rows: (label, the count for each side)."""
    return [(label, [dict(side.counts)[label] for side in sides]) for label in _REVIEW_COUNTS]


def sides_of(candidate: DuplicateCandidate) -> list[Side]:
    residents = list(
        Resident.objects.filter(pk__in=[candidate.resident_a_id, candidate.resident_b_id])
        .prefetch_related("phones", "identifiers")
        .annotate(note_count=Count("notes"))
        .order_by("pk")
    )
    older = _older(*residents) if len(residents) == 2 else None
    return [
        Side(
            resident=resident,
            counts=[(label, count(resident.pk)) for label, count in _REVIEW_COUNTS.items()],
            notes=resident.note_count,
            is_older=resident == older,
        )
        for resident in residents
    ]


def _older(first: Resident, second: Resident) -> Resident:
    return min(first, second, key=lambda resident: (resident.created_at, resident.pk))


# --- Deciding ------------------------------------------------------------------------------


def _open_candidate(candidate_id: int) -> DuplicateCandidate:
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate_id)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise ValidationError(
            {"decision": ["Someone has already reviewed these records. Go back to the list"]}
        )
    return candidate


def _check_permission(actor) -> None:
    if not getattr(actor, "has_perm", None) or not actor.has_perm("residents.merge_resident"):
        raise PermissionDenied("Only administrators can review possible duplicates")


@transaction.atomic
def mark_not_duplicate(
    *, actor, candidate: DuplicateCandidate, request: HttpRequest | None = None
) -> DuplicateCandidate:
    """The reviewer says these are two people: close the pair without changing either record."""
    _check_permission(actor)
    candidate = _open_candidate(candidate.pk)
    candidate.status = DuplicateCandidate.Status.NOT_DUPLICATE
    candidate.resolved_by = actor
    candidate.resolved_at = timezone.now()
    candidate.save(update_fields=["status", "resolved_by", "resolved_at"])
    for resident_id in (candidate.resident_a_id, candidate.resident_b_id):
        record_change(
            actor=actor,
            action="update",
            object_type="duplicate_candidate",
            object_id=candidate.pk,
            resident_id=resident_id,
            fields=["status"],
            summary=(
                f"Records {candidate.resident_a_id} and {candidate.resident_b_id} "
                "are not the same person"
            ),
            request=request,
        )
    return candidate


@transaction.atomic
def merge_residents(
    *,
    actor,
    candidate: DuplicateCandidate,
    keep_id: int | None = None,
    request: HttpRequest | None = None,
) -> Resident:
    """Merge the pair into one record and return the record kept.

    The older record is kept unless keep_id names the other. Phones (without repeats),
    identifiers, notes, flags, cases and timeline events move to the kept record; its empty
    fields are filled from the other; the other is marked as merged into it. One transaction.
    """
    _check_permission(actor)
    candidate = _open_candidate(candidate.pk)
    # Lock both records, lower id first, so two merges of overlapping pairs cannot deadlock.
    first, second = (
        Resident.objects.select_for_update()
        .filter(pk__in=[candidate.resident_a_id, candidate.resident_b_id])
        .order_by("pk")
    )
    if first.merged_into_id or second.merged_into_id:
        raise ValidationError(
            {"decision": ["One of these records has already been merged into another record"]}
        )
    if keep_id is None:
        keep = _older(first, second)
    elif keep_id in (first.pk, second.pk):
        keep = first if first.pk == keep_id else second
    else:
        raise ValidationError({"decision": ["Choose which record to keep"]})
    other = second if keep is first else first

    moved_phones = _move_phones(keep, other)
    moved_identifiers = ExternalIdentifier.objects.filter(resident=other).update(resident=keep)
    moved_notes = Note.objects.filter(resident=other).update(resident=keep)
    Flag.objects.filter(resident=other).update(resident=keep)
    moved_household = False
    if not HouseholdMember.objects.filter(resident=keep).exists():
        moved_household = bool(HouseholdMember.objects.filter(resident=other).update(resident=keep))
    moved_events = timeline.move_events(from_resident_id=other.pk, to_resident_id=keep.pk)
    moved_elsewhere = resident_moves.move_all(from_resident_id=other.pk, to_resident_id=keep.pk)

    filled = [
        name
        for name in FILLABLE_FIELDS
        if getattr(keep, name) in (None, "") and getattr(other, name) not in (None, "")
    ]
    # The merged record goes first: the kept one may take its NI number, unique among live ones.
    other.merged_into = keep
    other.save(update_fields=["merged_into", "updated_at"])
    Resident.objects.filter(merged_into=other).update(merged_into=keep)
    for name in filled:
        setattr(keep, name, getattr(other, name))
    keep.save()
    _close_pairs(candidate, actor=actor, keep=keep, other=other)

    detail = (
        f"{other.reference} merged into {keep.reference}: moved {moved_phones} phones, "
        f"{moved_identifiers} identifiers, {moved_notes} notes, "
        + "".join(f"{count} {label}, " for label, count in moved_elsewhere.items() if count)
        + f"{moved_events} timeline events"
        + (", household membership" if moved_household else "")
    )
    filled_labels = ", ".join(name.replace("_", " ") for name in filled)
    merged = Timeline(
        kind="merge",
        summary=f"Record {other.reference} ({other.full_name}) merged into this record",
        body=f"Filled from the merged record: {filled_labels}" if filled else "",
    )
    for resident, timeline_event in ((keep, merged), (other, None)):
        record_resident_change(
            actor=actor,
            action="merge",
            resident=resident,
            fields=filled,
            summary=detail,
            request=request,
            timeline_event=timeline_event,
        )
    return keep


def _move_phones(keep: Resident, other: Resident) -> int:
    held = set(keep.phones.values_list("number", flat=True))
    has_primary = keep.phones.filter(is_primary=True).exists()
    moved = 0
    for phone in other.phones.all():
        if phone.number in held:
            phone.delete()
            continue
        phone.resident = keep
        phone.is_primary = phone.is_primary and not has_primary
        has_primary = has_primary or phone.is_primary
        phone.save(update_fields=["resident", "is_primary"])
        moved += 1
    return moved


def _close_pairs(candidate: DuplicateCandidate, *, actor, keep: Resident, other: Resident) -> None:
    now = timezone.now()
    candidate.status = DuplicateCandidate.Status.MERGED
    candidate.resolved_by = actor
    candidate.resolved_at = now
    candidate.save(update_fields=["status", "resolved_by", "resolved_at"])
    # Other open pairs with the merged record now concern the kept one.
    stale = DuplicateCandidate.objects.filter(
        Q(resident_a=other) | Q(resident_b=other), status=DuplicateCandidate.Status.OPEN
    )
    for pair in stale:
        third = pair.resident_b_id if pair.resident_a_id == other.pk else pair.resident_a_id
        pair.delete()
        if third != keep.pk:
            first, second = sorted((keep.pk, third))
            DuplicateCandidate.objects.get_or_create(
                resident_a_id=first,
                resident_b_id=second,
                defaults={"reason": pair.reason, "found_at": pair.found_at},
            )
