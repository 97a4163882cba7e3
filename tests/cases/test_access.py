"""Who may see and change cases and tasks, asked of cases.access directly."""

import pytest
from django.http import Http404

from doorstep.cases import access
from doorstep.core import roles

from ..factories import CaseFactory, ResidentFactory, StaffFactory, TaskFactory, TeamFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = ["officer", "team_leader", "administrator", "digital_friend", "stranger"]


@pytest.fixture
def stranger(db):
    """An officer of a team unrelated to the case."""
    return StaffFactory(
        email="stranger@council.example", roles=[roles.OFFICER], teams=[TeamFactory()]
    )


@pytest.fixture
def case(team):
    return CaseFactory(team=team)


@pytest.fixture
def task(case):
    return TaskFactory(case=case)


@pytest.mark.parametrize("role", ["officer", "team_leader", "administrator", "stranger"])
def test_staff_see_and_work_on_any_case(request, role, case, task):
    actor = request.getfixturevalue(role)
    assert access.get_case_for(actor, case.pk) == case
    assert access.get_task_for(actor, task.pk) == task
    assert access.can_view_case(actor, case)
    assert access.can_open_case(actor, case.resident)
    assert access.can_change_case(actor, case)
    assert access.can_add_task(actor, case)
    assert access.can_add_case_note(actor, case)
    assert access.can_complete_task(actor, task)


def test_a_digital_friend_sees_no_case(digital_friend, case, task):
    with pytest.raises(Http404):
        access.get_case_for(digital_friend, case.pk)
    with pytest.raises(Http404):
        access.get_task_for(digital_friend, task.pk)
    assert not access.can_open_case(digital_friend, case.resident)
    assert not access.can_change_case(digital_friend, case)
    assert not access.can_add_task(digital_friend, case)
    assert not access.can_add_case_note(digital_friend, case)
    assert not access.can_complete_task(digital_friend, task)


def test_no_case_is_opened_on_a_merged_record(officer):
    kept = ResidentFactory()
    merged = ResidentFactory(merged_into=kept)
    assert access.can_open_case(officer, kept)
    assert not access.can_open_case(officer, merged)


def test_an_unknown_case_or_task_is_not_found(officer):
    with pytest.raises(Http404):
        access.get_case_for(officer, 999_999)
    with pytest.raises(Http404):
        access.get_task_for(officer, 999_999)


@pytest.mark.parametrize(
    ("role", "team_work", "own_team", "other_team"),
    [
        ("officer", False, False, False),
        ("team_leader", True, True, False),
        ("administrator", True, True, True),
        ("digital_friend", False, False, False),
        ("stranger", False, False, False),
    ],
)
def test_reassigning_is_for_leaders_of_the_team_and_administrators(
    request, role, team_work, own_team, other_team, case, task
):
    actor = request.getfixturevalue(role)
    elsewhere = CaseFactory(team=TeamFactory())
    assert access.can_view_team_work(actor) is team_work
    assert access.can_reassign_work(actor) is team_work
    assert access.can_reassign_task(actor, task) is team_work
    assert access.can_reassign_case(actor, case) is own_team
    assert access.can_reassign_case(actor, elsewhere) is other_team
