import pytest

from doorstep.core.models import AuditEvent
from doorstep.messaging.models import Message, Suppression, Template

from ..factories import PhoneFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _any_time(settings):
    settings.SMS_QUIET_HOURS = ""


@pytest.fixture
def resident(db):
    resident = ResidentFactory(first_name="Amina")
    PhoneFactory(resident=resident, number="+447700900982")
    return resident


def test_send_a_text(api, resident):
    response = api.post(f"/api/v1/residents/{resident.pk}/messages", {"body": "Hi ((first name))"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["body"].startswith("Hi Amina")
    assert data["status"] == "queued" and data["status_label"] == "Queued"
    assert response["Location"] == f"/api/v1/messages/{data['id']}"
    message = Message.objects.get()
    assert message.staff is None  # an integration is not a member of staff: no signature
    assert (
        AuditEvent.objects.filter(action="create", object_type="message")
        .get()
        .actor_label.startswith("API")
    )


def test_idempotency_key_header_or_field_sends_once(api, resident):
    url = f"/api/v1/residents/{resident.pk}/messages"
    first = api.client.post(
        url,
        '{"body": "Hi"}',
        content_type="application/json",
        headers={**api._headers(), "Idempotency-Key": "abc-1"},
    )
    again = api.client.post(
        url,
        '{"body": "Hi"}',
        content_type="application/json",
        headers={**api._headers(), "Idempotency-Key": "abc-1"},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert api.post(url, {"body": "Hi", "idempotency_key": "abc-2"}).status_code == 201
    assert Message.objects.count() == 2


def test_template_by_id(api, resident):
    template = Template.objects.create(name="Due", body="Due ((due date)), ((first name))")
    response = api.post(
        f"/api/v1/residents/{resident.pk}/messages",
        {"template_id": template.pk, "values": {"due date": "1 May"}},
    )
    assert response.status_code == 201
    assert response.json()["body"].startswith("Due 1 May, Amina")
    assert response.json()["template_id"] == template.pk


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Enter the message"),
        ({"body": "((case ref))"}, "Remove ((case ref))"),
        ({"body": "Hi", "template_id": 1}, "either body or template_id"),
        ({"template_id": 999}, "no template in use with id 999"),
        ({"body": "Hi", "send_after": "2026-12-01T10:00:00"}, "time zone"),
        ({"body": "Hi", "number": "+447700900111"}, "own numbers"),
    ],
)
def test_bad_requests_say_what_is_wrong_and_send_nothing(api, resident, body, message):
    response = api.post(f"/api/v1/residents/{resident.pk}/messages", body)
    assert response.status_code == 422, response.content
    assert message in " ".join(item["msg"] for item in response.json()["detail"])
    assert not Message.objects.exists()


def test_opted_out_resident_is_refused(api, resident):
    Suppression.objects.create(number="+447700900982", reason="resident")
    response = api.post(f"/api/v1/residents/{resident.pk}/messages", {"body": "Hi"})
    assert response.status_code == 422
    assert "opted out" in response.json()["detail"][0]["msg"]


def test_unknown_resident_is_404(api):
    assert api.post("/api/v1/residents/999/messages", {"body": "Hi"}).status_code == 404
    assert api.get("/api/v1/messages/999").status_code == 404


def test_list_and_read_are_audited(api, resident):
    sent = api.post(f"/api/v1/residents/{resident.pk}/messages", {"body": "One"}).json()
    api.post(f"/api/v1/residents/{resident.pk}/messages", {"body": "Two"})
    listing = api.get(f"/api/v1/residents/{resident.pk}/messages", {"limit": 1})
    assert listing.status_code == 200
    assert [item["body"].split("\n")[0] for item in listing.json()["items"]] == ["Two"]
    older = api.get(
        f"/api/v1/residents/{resident.pk}/messages",
        {"before_id": listing.json()["items"][0]["id"]},
    )
    assert [item["id"] for item in older.json()["items"]] == [sent["id"]]
    assert api.get(f"/api/v1/messages/{sent['id']}").json()["id"] == sent["id"]
    assert AuditEvent.objects.filter(action="view", object_type="message").count() == 3


def test_without_a_token_nothing_is_sent(anonymous_api, resident):
    response = anonymous_api.post(f"/api/v1/residents/{resident.pk}/messages", {"body": "Hi"})
    assert response.status_code == 401
    assert anonymous_api.get(f"/api/v1/residents/{resident.pk}/messages").status_code == 401
    assert not Message.objects.exists()
