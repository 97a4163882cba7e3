"""Who may see and change a resident's record, asked of residents.access directly."""

import pytest
from django.http import Http404

from doorstep.core import roles
from doorstep.residents import access, services
from doorstep.residents.models import Resident

from ..factories import ResidentFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

STAFF_ROLES = ["officer", "team_leader", "administrator"]


@pytest.fixture
def stranger(db):
    """An officer of a team that has nothing to do with the resident."""
    return StaffFactory(
        email="stranger@council.example", roles=[roles.OFFICER], teams=[TeamFactory()]
    )


@pytest.fixture
def resident(db):
    return ResidentFactory()


@pytest.mark.parametrize("role", [*STAFF_ROLES, "stranger"])
def test_staff_see_and_change_any_live_record(request, role, resident):
    actor = request.getfixturevalue(role)
    assert access.get_resident_for(actor, resident.pk) == resident
    assert access.can_view_resident(actor, resident)
    assert access.can_add_resident(actor)
    assert access.can_change_resident(actor, resident)
    assert access.can_add_note(actor, resident)


def test_a_digital_friend_may_not_see_or_change_a_record(digital_friend, resident):
    with pytest.raises(Http404):
        access.get_resident_for(digital_friend, resident.pk)
    assert not access.can_view_resident(digital_friend, resident)
    assert not access.can_add_resident(digital_friend)
    assert not access.can_change_resident(digital_friend, resident)
    assert not access.can_add_note(digital_friend, resident)


def test_nobody_signed_in_is_refused(resident):
    with pytest.raises(Http404):
        access.get_resident_for(None, resident.pk)
    assert not access.can_change_resident("the resident", resident)


def test_a_merged_record_is_reached_only_through_the_one_kept(officer, resident):
    kept = ResidentFactory()
    Resident.objects.filter(pk=resident.pk).update(merged_into=kept)
    resident.refresh_from_db()
    with pytest.raises(Http404):
        access.get_resident_for(officer, resident.pk)
    assert access.get_resident_for(officer, resident.pk, live=False) == resident
    assert not access.can_change_resident(officer, resident)
    assert not access.can_add_note(officer, resident)


def test_an_unknown_record_is_not_found(officer):
    with pytest.raises(Http404):
        access.get_resident_for(officer, 999_999)


@pytest.mark.parametrize(
    ("role", "may"),
    [
        ("officer", False),
        ("team_leader", False),
        ("administrator", True),
        ("digital_friend", False),
        ("stranger", False),
    ],
)
def test_only_administrators_import_and_merge(request, role, may):
    actor = request.getfixturevalue(role)
    assert access.can_merge_residents(actor) is may
    assert access.can_import_residents(actor) is may


def test_household_members_are_changed_by_those_who_may_change_the_record(
    officer, digital_friend, resident
):
    member = ResidentFactory()
    services.add_household_member(
        actor=officer, resident=resident, member=member, relationship="partner"
    )
    membership = access.get_household_member_for(officer, resident, member.pk)
    assert membership.resident == member
    with pytest.raises(Http404):
        access.get_household_member_for(digital_friend, resident, member.pk)
    with pytest.raises(Http404):
        access.get_household_member_for(officer, ResidentFactory(), member.pk)
