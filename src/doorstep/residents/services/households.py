"""Who lives with whom: joining and leaving a household."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from doorstep.core.changes import Timeline, record_change

from ..models import Household, HouseholdMember, Resident


def _check_can_join(*, resident: Resident, member: Resident, relationship: str) -> None:
    if relationship not in HouseholdMember.Relationship.values:
        raise ValidationError({"relationship": ["Choose how they are related"]})
    if member.pk == resident.pk:
        raise ValidationError(
            {"member": ["A resident cannot be added to their own household twice"]}
        )
    if member.merged_into_id:
        raise ValidationError(
            {"member": ["That record was merged into another: use the other record"]}
        )
    if HouseholdMember.objects.filter(resident=member).exists():
        raise ValidationError({"member": [f"{member.full_name} is already in a household"]})


@transaction.atomic
def add_household_member(
    *,
    actor,
    resident: Resident,
    member: Resident,
    relationship: str,
    request: HttpRequest | None = None,
) -> HouseholdMember:
    """Put `member` in `resident`'s household, starting one if the resident has none."""
    _check_can_join(resident=resident, member=member, relationship=relationship)
    lead = HouseholdMember.objects.filter(resident=resident).select_related("household").first()
    if lead is None:
        household = Household.objects.create(name=f"{resident.last_name} household")
        HouseholdMember.objects.create(
            household=household, resident=resident, relationship=HouseholdMember.Relationship.LEAD
        )
    else:
        household = lead.household
    membership = HouseholdMember.objects.create(
        household=household, resident=member, relationship=relationship
    )
    summary = (
        f"{member.full_name} joined the household ({membership.get_relationship_display().lower()})"
    )
    for person, said in (
        (resident, summary),
        (member, f"Joined {resident.full_name}'s household"),
    ):
        _record_household_change(
            actor=actor, household=household, person=person, summary=said, request=request
        )
    return membership


@transaction.atomic
def remove_household_member(
    *, actor, membership: HouseholdMember, request: HttpRequest | None = None
) -> None:
    household, person = membership.household, membership.resident
    membership.delete()
    _record_household_change(
        actor=actor,
        household=household,
        person=person,
        summary="Left the household",
        request=request,
    )
    if not household.members.exists():
        household.delete()


def _record_household_change(
    *, actor, household: Household, person: Resident, summary: str, request: HttpRequest | None
) -> None:
    record_change(
        actor=actor,
        action="update",
        object_type="household",
        object_id=household.pk,
        resident_id=person.pk,
        fields=["household"],
        request=request,
        timeline_event=Timeline(kind="record", summary=summary),
    )
