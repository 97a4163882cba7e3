"""Who may see a learner's details, a Friend's record, a help request, a match and a session:
the rules in inclusion/access.py, asked directly for each role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from doorstep.api import services as api_services
from doorstep.api.auth import ApiActor
from doorstep.core import roles
from doorstep.inclusion import access, services

from ..factories import ResidentFactory, StaffFactory, TeamFactory
from .conftest import approved_friend

pytestmark = pytest.mark.django_db


@pytest.fixture
def check(officer, learner):
    return services.record_skills_check(
        actor=officer,
        resident=learner,
        tasks=["send_email"],
        routing={"ever_used": True, "still_uses": True, "likes_using": True, "basics": "some"},
        has_device=True,
        connection="mobile",
        enough_data=True,
        confidence=3,
    )


@pytest.fixture
def session(accepted, team_leader):
    return services.log_session(
        actor=team_leader,
        match=accepted,
        held_on=timezone.localdate(),
        minutes=45,
        topics=["uc_journal"],
        confidence_before=2,
        confidence_after=4,
    )


@pytest.fixture
def other_team_officer(db):
    team = TeamFactory(name="Revenues", slug="revenues")
    return StaffFactory(email="elsewhere@council.example", roles=[roles.OFFICER], teams=[team])


@pytest.fixture
def integration(db):
    token, _ = api_services.issue_token(actor=None, name="Volunteer centre")
    return ApiActor(token)


def sees_all(actor, *, friend, session) -> None:
    match = session.match
    assert access.get_friend_for(actor, friend.pk) == friend
    assert access.get_help_request_for(actor, match.help_request_id) == match.help_request
    assert access.get_match_for(actor, match.pk) == match
    assert access.get_session_for(actor, session.pk) == session
    assert access.can_log_session(actor, match)


def sees_none(actor, *, friend, session) -> None:
    match = session.match
    for getter, pk in [
        (access.get_friend_for, friend.pk),
        (access.get_help_request_for, match.help_request_id),
        (access.get_match_for, match.pk),
        (access.get_session_for, session.pk),
    ]:
        with pytest.raises(Http404):
            getter(actor, pk)
    assert not access.can_log_session(actor, match)
    with pytest.raises(PermissionDenied):
        access.get_own_match_for(actor, match.pk)


@pytest.mark.parametrize("role", ["team_leader", "administrator"])
def test_coordinators_see_every_friend_request_match_and_session(
    request, role, friend, session, check, learner
):
    coordinator = request.getfixturevalue(role)
    assert access.is_coordinator(coordinator)
    sees_all(coordinator, friend=friend, session=session)
    assert access.get_skills_check_for(coordinator, check.pk) == check
    assert access.get_resident_for(coordinator, learner.pk) == learner
    # The Friend's pages are the Friend's own, even for a coordinator.
    with pytest.raises(PermissionDenied):
        access.get_own_match_for(coordinator, session.match_id)


def test_a_missing_record_is_not_found(team_leader):
    for getter in [
        access.get_friend_for,
        access.get_help_request_for,
        access.get_match_for,
        access.get_session_for,
        access.get_skills_check_for,
        access.get_resident_for,
    ]:
        with pytest.raises(Http404):
            getter(team_leader, 99999)


def test_officers_see_residents_checks_but_no_friend_or_learner(
    officer, other_team_officer, friend, session, check, learner
):
    for person in [officer, other_team_officer]:
        assert not access.is_coordinator(person)
        assert access.get_skills_check_for(person, check.pk) == check
        assert access.get_resident_for(person, learner.pk) == learner
        sees_none(person, friend=friend, session=session)


def test_a_merged_resident_has_no_inclusion_pages(officer, learner):
    learner.merged_into = ResidentFactory()
    learner.save(update_fields=["merged_into"])
    with pytest.raises(Http404):
        access.get_resident_for(officer, learner.pk)


def test_a_friend_sees_only_their_own_matches(digital_friend, friend, session, check, learner):
    # A Friend without this match sees nothing of it, nor any resident's checks.
    sees_none(digital_friend, friend=friend, session=session)
    with pytest.raises(Http404):
        access.get_skills_check_for(digital_friend, check.pk)
    with pytest.raises(Http404):
        access.get_resident_for(digital_friend, learner.pk)
    # The matched Friend sees the match, the learner's request, the sessions and their record.
    mine = friend.staff
    match = session.match
    assert access.get_own_match_for(mine, match.pk) == match
    assert access.get_match_for(mine, match.pk) == match
    assert access.get_help_request_for(mine, match.help_request_id) == match.help_request
    assert access.get_session_for(mine, session.pk) == session
    assert access.get_friend_for(mine, friend.pk) == friend
    assert access.can_log_session(mine, match)
    with pytest.raises(Http404):
        access.get_skills_check_for(mine, check.pk)


def test_a_declined_offer_is_no_longer_the_friends(
    friend, help_request, team_leader, administrator
):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    assert access.get_own_match_for(friend.staff, match.pk) == match
    services.decline_match(actor=friend.staff, match=match)
    with pytest.raises(PermissionDenied):
        access.get_own_match_for(friend.staff, match.pk)
    with pytest.raises(Http404):
        access.get_help_request_for(friend.staff, help_request.pk)
    # Another Friend never saw it.
    other = approved_friend(administrator, email="other@example.org")
    with pytest.raises(Http404):
        access.get_friend_for(other.staff, friend.pk)


def test_an_integration_sees_what_the_api_serves(integration, friend, session, check):
    sees_all(integration, friend=friend, session=session)
    assert access.get_skills_check_for(integration, check.pk) == check


def test_the_public_sees_nothing(friend, session, check):
    sees_none(None, friend=friend, session=session)
    with pytest.raises(Http404):
        access.get_skills_check_for(None, check.pk)
