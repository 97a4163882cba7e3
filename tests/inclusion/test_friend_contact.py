"""A Digital Friend sees a learner's phone and e-mail only while their match is accepted and
active: not while it is only offered, nor once declined or ended, nor while the Friend is paused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.inclusion import access, services
from doorstep.inclusion.models import Match

pytestmark = pytest.mark.django_db

PHONE_SHOWN = ("07700 900982", "07700900982", "+447700900982")


def _learner_page(client, friend, match) -> str:
    client.force_login(friend.staff)
    return client.get(reverse("inclusion:learner", args=[match.pk])).content.decode()


def _shows_phone(page: str) -> bool:
    return any(number in page for number in PHONE_SHOWN)


def _accept(match, friend):
    services.accept_match(
        actor=friend.staff,
        match=match,
        first_meeting_at=timezone.now() + datetime.timedelta(days=2),
        meeting_place="Library",
    )
    return Match.objects.select_related("friend", "help_request").get(pk=match.pk)


def test_contact_is_hidden_while_only_offered(client, friend, help_request, team_leader):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    assert not access.can_see_learner_contact(friend.staff, match)
    assert access.can_see_learner_contact(team_leader, match)
    page = _learner_page(client, friend, match)
    assert help_request.goal in page and not _shows_phone(page)


def test_contact_is_shown_while_accepted_and_hidden_once_ended(
    client, friend, help_request, team_leader
):
    match = _accept(
        services.offer_match(actor=team_leader, help_request=help_request, friend=friend), friend
    )
    assert access.can_see_learner_contact(friend.staff, match)
    assert _shows_phone(_learner_page(client, friend, match))
    services.end_match(actor=friend.staff, match=match)
    match = Match.objects.select_related("friend", "help_request").get(pk=match.pk)
    assert not access.can_see_learner_contact(friend.staff, match)
    assert not _shows_phone(_learner_page(client, friend, match))


def test_contact_is_hidden_while_the_friend_is_paused(
    client, friend, help_request, team_leader, administrator
):
    match = _accept(
        services.offer_match(actor=team_leader, help_request=help_request, friend=friend), friend
    )
    services.set_friend_paused(actor=administrator, friend=friend, paused=True)
    match = Match.objects.select_related("friend", "help_request").get(pk=match.pk)
    assert not access.can_see_learner_contact(friend.staff, match)
    assert not _shows_phone(_learner_page(client, friend, match))


def test_a_declined_offer_shows_no_contact(friend, help_request, team_leader):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    services.decline_match(actor=friend.staff, match=match)
    match = Match.objects.select_related("friend", "help_request").get(pk=match.pk)
    assert not access.can_see_learner_contact(friend.staff, match)
