"""Who may see and change plans, asked of access.py directly for each role.

Plans follow the resident, not the team: any officer may open any resident's plan, as the
officer pages always allowed. Digital Friends have no part in plans.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from doorstep.core import resident_links, roles
from doorstep.plans import access, services

from ..factories import ResidentFactory, StaffFactory, TeamFactory

STAFF_ROLES = ["officer", "team_leader", "administrator"]


@pytest.fixture
def other_team_officer(db):
    return StaffFactory(roles=[roles.OFFICER], teams=[TeamFactory(name="Revenues")])


@pytest.fixture
def link(plan):
    return resident_links.issue(services.LINK, plan=plan).link


@pytest.fixture
def api_actor():
    class Integration:  # what the API's bearer token gives: not a person, has a token
        token = "integration"
        is_authenticated = False

    return Integration()


@pytest.mark.parametrize("role", [*STAFF_ROLES, "other_team_officer"])
def test_staff_with_plans_see_and_change_any_plan(request, role, plan, link):
    actor = request.getfixturevalue(role)
    goal = plan.goals.first()
    action = plan.actions.first()
    assert access.get_plan_for(actor, plan.pk) == plan
    assert access.get_goal_for(actor, goal.pk) == goal
    assert access.get_action_for(actor, action.pk) == action
    assert access.get_link_for(actor, link.pk) == link
    assert access.get_resident_for(actor, plan.resident_id) == plan.resident
    assert access.can_view_plan(actor, plan)
    assert access.can_edit_plan(actor, plan)
    assert access.can_share_plan(actor, plan)
    assert access.can_add_plan(actor, plan.resident)


def test_a_digital_friend_has_no_part_in_plans(digital_friend, plan, link):
    for get, pk in [
        (access.get_plan_for, plan.pk),
        (access.get_goal_for, plan.goals.first().pk),
        (access.get_action_for, plan.actions.first().pk),
        (access.get_link_for, link.pk),
        (access.get_resident_for, plan.resident_id),
    ]:
        with pytest.raises(Http404):
            get(digital_friend, pk)
    assert not access.can_view_plan(digital_friend, plan)
    assert not access.can_edit_plan(digital_friend, plan)
    assert not access.can_add_plans(digital_friend)


def test_nobody_and_the_anonymous_see_nothing(plan):
    for actor in [None, AnonymousUser(), "the resident"]:
        assert not access.can_view_plan(actor, plan)
        with pytest.raises(Http404):
            access.get_plan_for(actor, plan.pk)


def test_an_integration_uses_every_plan_route(api_actor, plan):
    assert access.get_plan_for(api_actor, plan.pk) == plan
    assert access.can_edit_plan(api_actor, plan)
    assert access.can_add_plan(api_actor, plan.resident)


@pytest.mark.parametrize("role", [*STAFF_ROLES, "digital_friend"])
def test_what_is_not_there_is_not_found(request, role, db):
    actor = request.getfixturevalue(role)
    for get in [
        access.get_plan_for,
        access.get_goal_for,
        access.get_action_for,
        access.get_link_for,
        access.get_resident_for,
        access.get_template_for,
    ]:
        with pytest.raises(Http404):
            get(actor, 999_999)


def test_no_plan_for_a_record_merged_into_another(officer, db):
    kept = ResidentFactory()
    merged = ResidentFactory(merged_into=kept)
    assert access.can_add_plan(officer, kept)
    assert not access.can_add_plan(officer, merged)
    with pytest.raises(Http404):
        access.get_resident_for(officer, merged.pk)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("officer", False),
        ("team_leader", False),
        ("administrator", True),
        ("digital_friend", False),
        ("other_team_officer", False),
    ],
)
def test_only_administrators_keep_templates(request, role, allowed, template):
    actor = request.getfixturevalue(role)
    assert access.can_manage_templates(actor) is allowed
    if allowed:
        assert access.get_template_for(actor, template.pk) == template
    else:
        with pytest.raises(Http404):
            access.get_template_for(actor, template.pk)
