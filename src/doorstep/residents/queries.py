"""Reads used by the resident pages and the API."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import ExternalIdentifier, Flag, HouseholdMember, ImportJob, Resident


def live_residents() -> QuerySet[Resident]:
    return Resident.objects.filter(merged_into=None)


def resident_for_single_view(pk: int) -> Resident:
    """The resident with everything the Single View shows, in a fixed, small number of queries."""
    return get_object_or_404(
        Resident.objects.select_related("merged_into", "membership__household").prefetch_related(
            "phones",
            "identifiers",
            Prefetch("flags", to_attr="active_flags", queryset=_active_flags()),
        ),
        pk=pk,
    )


def _active_flags():
    return Flag.objects.filter(is_active=True).select_related("created_by")


def household_members(resident: Resident) -> list[HouseholdMember]:
    membership = getattr(resident, "membership", None)
    if membership is None:
        return []
    return list(
        HouseholdMember.objects.filter(household_id=membership.household_id)
        .exclude(resident_id=resident.pk)
        .select_related("resident")
    )


def recent_import_jobs(count: int = 10) -> list[ImportJob]:
    return list(ImportJob.objects.select_related("created_by")[:count])


def identifiers_from(source: str) -> list[tuple[str, int]]:
    """(identifier, resident id) for every live resident known to another system by `source`."""
    return list(
        ExternalIdentifier.objects.filter(source=source, resident__merged_into=None).values_list(
            "value", "resident_id"
        )
    )
