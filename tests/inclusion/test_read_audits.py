"""Every staff read of a resident's data in digital inclusion writes an audit record: the
skills check and access needs pages, the referral form, the history, and the coordinator's
and Friend's pages that name a resident."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core.models import AuditEvent
from doorstep.inclusion import services

pytestmark = pytest.mark.django_db


def _views_of(resident, **filters):
    return AuditEvent.objects.filter(action="view", resident_id=resident.pk, **filters)


@pytest.mark.parametrize(
    ("name", "object_type"),
    [
        ("inclusion:skills_check", "resident"),
        ("inclusion:access_needs", "access_needs"),
        ("inclusion:refer", "resident"),
        ("inclusion:history", "skills_check"),
    ],
)
def test_an_officers_resident_page_is_audited(officer_client, officer, learner, name, object_type):
    response = officer_client.get(reverse(name, args=[learner.pk]))
    assert response.status_code == 200
    event = _views_of(learner).get()
    assert event.object_type == object_type and event.actor == officer


def test_access_needs_already_saved_are_audited_when_shown(officer_client, officer, learner):
    services.save_access_needs(
        actor=officer, resident=learner, channels=["phone"], needs_help_online=False
    )
    officer_client.get(reverse("inclusion:access_needs", args=[learner.pk]))
    assert _views_of(learner, object_type="access_needs").count() == 1


def test_the_coordinators_arrange_page_is_audited(
    client, team_leader, friend, help_request, learner
):
    match = services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    client.force_login(team_leader)
    assert client.get(reverse("inclusion:arrange", args=[match.pk])).status_code == 200
    assert _views_of(learner, object_type="help_request", actor=team_leader).exists()


def test_a_friends_list_of_learners_is_audited(client, team_leader, friend, help_request, learner):
    services.offer_match(actor=team_leader, help_request=help_request, friend=friend)
    client.force_login(friend.staff)
    assert client.get(reverse("inclusion:my_learners")).status_code == 200
    assert _views_of(learner, object_type="help_request", actor=friend.staff).count() == 1


def test_an_events_list_of_residents_signed_up_is_audited(client, team_leader, learner):
    starts = timezone.now() + datetime.timedelta(days=3)
    event = services.create_event(
        actor=team_leader,
        title="Phone basics",
        place="Library",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        capacity=5,
        topics=["getting_started"],
    )
    services.sign_up_for_event(
        actor=team_leader, event=event, name="Amina Khan", phone="07700900982", resident=learner
    )
    client.force_login(team_leader)
    assert client.get(reverse("inclusion:event_manage", args=[event.pk])).status_code == 200
    assert _views_of(learner, object_type="event_signup").count() == 1
