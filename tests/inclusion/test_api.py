"""The digital inclusion API."""

import datetime

import pytest
from django.utils import timezone

from doorstep.api import services as api_services
from doorstep.core.models import AuditEvent
from doorstep.inclusion import services
from doorstep.inclusion.models import DigitalFriend, HelpRequest, Session

from ..api.conftest import ApiClient
from .conftest import approved_friend

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    _, raw = api_services.issue_token(actor=None, name="Volunteer centre")
    return ApiClient(client, raw)


def test_a_token_is_needed(client):
    assert ApiClient(client, None).get("/api/v1/digital-friends").status_code == 401


def test_sign_up_and_list_friends(api):
    bad = api.post(
        "/api/v1/digital-friends",
        {
            "full_name": "Val",
            "email": "val@example.org",
            "kind": "community",
            "topics": [],
            "places": ["library"],
            "availability": ["mon_am"],
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == [
        {
            "loc": ["body", "topics"],
            "msg": "Select at least one topic they can help with",
            "type": "value_error",
        }
    ]
    made = api.post(
        "/api/v1/digital-friends",
        {
            "full_name": "Val",
            "email": "val@example.org",
            "kind": "community",
            "topics": ["email"],
            "places": ["library"],
            "availability": ["mon_am"],
            "capacity": 2,
        },
    )
    assert made.status_code == 201 and made.json()["status"] == "applied"
    listed = api.get("/api/v1/digital-friends", {"status": "applied"}).json()
    assert listed["count"] == 1 and listed["items"][0]["full_name"] == "Val"
    assert api.get(f"/api/v1/digital-friends/{made.json()['id']}").status_code == 200
    assert api.get("/api/v1/digital-friends/999").status_code == 404
    assert DigitalFriend.objects.get().capacity == 2


def test_help_requests_and_matches(api, learner, administrator):
    approved_friend(administrator, full_name="Nadia Near", email="n@example.org", postcode="E8 3AA")
    made = api.post(
        "/api/v1/help-requests",
        {
            "resident_id": learner.pk,
            "name": learner.full_name,
            "goal": "Use the journal",
            "topics": ["uc_journal"],
            "places": ["library"],
            "availability": ["mon_am"],
            "postcode": "E8 1DY",
        },
    )
    assert made.status_code == 201, made.json()
    request_id = made.json()["id"]
    matches = api.get(f"/api/v1/help-requests/{request_id}/matches").json()
    assert matches["count"] == 1
    assert matches["items"][0]["friend_name"] == "Nadia Near"
    assert "Same postcode district (E8)" in matches["items"][0]["reasons"]
    assert api.get(f"/api/v1/help-requests/{request_id}").json()["resident_id"] == learner.pk
    assert AuditEvent.objects.filter(
        object_type="help_request", action="view", resident_id=learner.pk
    ).exists()
    assert api.get("/api/v1/help-requests", {"status": "waiting"}).json()["count"] == 1
    bad = api.post(
        "/api/v1/help-requests",
        {"name": "", "goal": "", "topics": [], "places": [], "availability": []},
    )
    assert bad.status_code == 422
    assert HelpRequest.objects.count() == 1


def test_sessions(api, accepted, friend):
    body = {
        "match_id": accepted.pk,
        "held_on": timezone.localdate().isoformat(),
        "minutes": 40,
        "topics": ["uc_journal"],
        "confidence_before": 2,
        "confidence_after": 3,
    }
    made = api.post("/api/v1/sessions", body)
    assert made.status_code == 201, made.json()
    assert made.json()["friend_id"] == friend.pk
    assert api.get("/api/v1/sessions", {"friend_id": friend.pk}).json()["count"] == 1
    future = {**body, "held_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}
    assert api.post("/api/v1/sessions", future).status_code == 422
    assert api.post("/api/v1/sessions", {**body, "match_id": 999}).status_code == 404
    assert Session.objects.count() == 1


def test_skills_checks(api, learner):
    url = f"/api/v1/residents/{learner.pk}/skills-checks"
    missing = api.post(url, {"ever_used": True, "connection": "home"})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["msg"] == "Select whether they still use the internet"
    made = api.post(
        url,
        {
            "ever_used": True,
            "still_uses": True,
            "likes_using": True,
            "basics": "all",
            "needs_help": False,
            "advanced": True,
            "connection": "home",
            "has_device": True,
            "enough_data": True,
            "tasks": ["send_email"],
        },
    )
    assert made.status_code == 201
    assert made.json()["level"] == 9 and made.json()["level_label"] == "Expert"
    listed = api.get(url).json()
    assert listed["count"] == 1
    assert api.get("/api/v1/residents/99999/skills-checks").status_code == 404


def test_impact(api, accepted, friend):
    services.log_session(
        actor=friend.staff,
        match=accepted,
        held_on=timezone.localdate(),
        minutes=30,
        topics=["uc_journal"],
        confidence_before=1,
        confidence_after=2,
    )
    figures = api.get("/api/v1/inclusion/impact").json()
    assert figures["sessions"] == 1 and figures["people_helped"] == 1 and figures["hours"] == 0.5
    assert api.get("/api/v1/inclusion/impact", {"area": "N"}).json()["sessions"] == 0
    assert api.get("/api/v1/inclusion/impact", {"area": "E1"}).status_code == 422
