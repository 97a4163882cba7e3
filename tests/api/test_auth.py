import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from doorstep.api import services
from doorstep.api.models import ApiToken
from doorstep.core.models import AuditEvent
from doorstep.core.tokens import hash_token

from ..factories import ResidentFactory
from .conftest import ApiClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/residents/{}"


def test_a_token_is_stored_only_as_its_hash(issued):
    token, raw = issued
    assert raw.startswith("dst_")
    assert len(raw) > 40
    token.refresh_from_db()
    assert token.token_hash == hash_token(raw)
    assert raw not in {token.token_hash, token.prefix, token.name}
    assert raw.startswith(token.prefix) and len(token.prefix) == 12


def test_no_token_gets_401_with_a_bearer_challenge(anonymous_api):
    resident = ResidentFactory()
    response = anonymous_api.get(URL.format(resident.pk))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_wrong_token_gets_401(client, issued):
    resident = ResidentFactory()
    response = ApiClient(client, issued[1] + "x").get(URL.format(resident.pk))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert response.json() == {"detail": "The API token is not valid or has been revoked"}


def test_another_scheme_gets_401(client, issued):
    resident = ResidentFactory()
    response = client.get(URL.format(resident.pk), headers={"Authorization": f"Token {issued[1]}"})
    assert response.status_code == 401


def test_a_revoked_token_gets_401(api, issued):
    resident = ResidentFactory()
    assert api.get(URL.format(resident.pk)).status_code == 200
    services.revoke_token(actor=None, token=issued[0])
    response = api.get(URL.format(resident.pk))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_staff_session_is_not_enough(officer_client):
    resident = ResidentFactory()
    assert officer_client.get(URL.format(resident.pk)).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(api, issued):
    token = issued[0]
    resident = ResidentFactory()
    assert token.last_used_at is None
    api.get(URL.format(resident.pk))
    token.refresh_from_db()
    assert token.last_used_at is not None

    recent = timezone.now() - datetime.timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    api.get(URL.format(resident.pk))
    token.refresh_from_db()
    assert token.last_used_at == recent

    older = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=older)
    api.get(URL.format(resident.pk))
    token.refresh_from_db()
    assert token.last_used_at > older


def test_issuing_and_revoking_are_audited(administrator):
    token, _ = services.issue_token(actor=administrator, name="CRM")
    assert token.created_by == administrator
    assert services.revoke_token(actor=administrator, token=token) is True
    assert services.revoke_token(actor=administrator, token=token) is False
    events = list(AuditEvent.objects.filter(action="token").order_by("id"))
    assert [event.detail.split(" ")[0] for event in events] == ["Issued", "Revoked"]
    assert all(event.actor == administrator for event in events)
    assert events[0].object_id == str(token.pk)


def test_a_token_needs_a_name():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.issue_token(actor=None, name="  ")
    assert error.value.message_dict == {
        "name": ["Enter the name of the system that will use the token"]
    }
    assert not ApiToken.objects.exists()


def test_writes_need_no_csrf_cookie(issued):
    # Integrations send a token, not a session cookie, so CSRF checks do not apply.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/residents",
        json.dumps({"first_name": "Ada", "last_name": "Lovelace"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued[1]}"},
    )
    assert response.status_code == 201
