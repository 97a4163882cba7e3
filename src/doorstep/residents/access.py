"""Who may see or change a resident's record.

Today any member of staff whose role may view residents sees every live record, and a role that
may change residents changes any of them; merged records are reached only through the one kept.
Views, the API and tasks ask here rather than deciding for themselves.
"""

from django.http import Http404

from .models import HouseholdMember, Resident


def can_view_resident(actor, resident: Resident | None = None) -> bool:
    return bool(getattr(actor, "has_perm", None)) and actor.has_perm("residents.view_resident")


def can_add_resident(actor) -> bool:
    return bool(getattr(actor, "has_perm", None)) and actor.has_perm("residents.add_resident")


def can_change_resident(actor, resident: Resident) -> bool:
    return (
        bool(getattr(actor, "has_perm", None))
        and actor.has_perm("residents.change_resident")
        and resident.merged_into_id is None
    )


def can_add_note(actor, resident: Resident) -> bool:
    return (
        bool(getattr(actor, "has_perm", None))
        and actor.has_perm("residents.add_note")
        and resident.merged_into_id is None
    )


def can_merge_residents(actor) -> bool:
    return bool(getattr(actor, "has_perm", None)) and actor.has_perm("residents.merge_resident")


def can_import_residents(actor) -> bool:
    return bool(getattr(actor, "has_perm", None)) and actor.has_perm("residents.import_residents")


def get_resident_for(actor, pk: int, *, live: bool = True) -> Resident:
    """The resident the actor may see; with live=True (the default) never a merged record.

    Raises Http404 when there is none or the actor may not see it.
    """
    resident = Resident.objects.filter(pk=pk).first()
    if resident is None or not can_view_resident(actor, resident):
        raise Http404("No such resident")
    if live and resident.merged_into_id is not None:
        raise Http404("No such resident")
    return resident


def get_household_member_for(actor, resident: Resident, member_pk: int) -> HouseholdMember:
    """The membership of `member_pk` in `resident`'s household, for an actor who may change it."""
    membership = (
        HouseholdMember.objects.filter(resident_id=member_pk, household__members__resident=resident)
        .select_related("resident", "household")
        .first()
    )
    if membership is None or not can_change_resident(actor, resident):
        raise Http404("No such member of the household")
    return membership
