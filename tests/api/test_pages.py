import pytest
from django.urls import reverse

from doorstep.api import services
from doorstep.api.models import ApiToken
from doorstep.core.models import AuditEvent
from doorstep.core.tokens import hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(db):
    return services.issue_token(actor=None, name="Council CRM")[0]


def test_administrator_sees_the_tokens(admin_client_verified, existing):
    revoked = services.issue_token(actor=None, name="Old system")[0]
    services.revoke_token(actor=None, token=revoked)
    response = admin_client_verified.get(reverse("api_tokens"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Council CRM" in page and existing.prefix in page
    assert "Old system" in page and "Revoked" in page
    assert reverse("api_token_revoke", args=[existing.pk]) in page
    assert reverse("api_token_revoke", args=[revoked.pk]) not in page


def test_administrator_creates_a_token_and_sees_it_once(admin_client_verified, administrator):
    response = admin_client_verified.post(reverse("api_token_new"), {"name": "Housing register"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    page = response.content.decode()
    raw = page.split('id="api-token" type="text" value="')[1].split('"')[0]
    assert token.token_hash == hash_token(raw)
    assert "Copy the token now" in page
    assert token.created_by == administrator
    assert AuditEvent.objects.get(action="token").actor == administrator
    assert raw not in admin_client_verified.get(reverse("api_tokens")).content.decode()


def test_creating_a_token_needs_a_name(admin_client_verified):
    response = admin_client_verified.post(reverse("api_token_new"), {"name": ""})
    assert response.status_code == 200
    assert "Enter the name of the system that will use the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_administrator_revokes_after_confirming(admin_client_verified, existing):
    url = reverse("api_token_revoke", args=[existing.pk])
    confirm = admin_client_verified.get(url)
    assert confirm.status_code == 200
    assert "will stop working" in confirm.content.decode()
    existing.refresh_from_db()
    assert existing.is_active

    response = admin_client_verified.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("api_tokens")
    existing.refresh_from_db()
    assert not existing.is_active
    assert AuditEvent.objects.filter(action="token", detail__startswith="Revoked").count() == 1


@pytest.mark.parametrize("name", ["api_tokens", "api_token_new"])
def test_officers_are_refused(officer_client, name):
    assert officer_client.get(reverse(name)).status_code == 403


def test_officers_cannot_revoke(officer_client, existing):
    url = reverse("api_token_revoke", args=[existing.pk])
    assert officer_client.post(url).status_code == 403
    existing.refresh_from_db()
    assert existing.is_active


@pytest.mark.parametrize("name", ["api_tokens", "api_token_new"])
def test_anonymous_people_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_revoke_is_sent_to_sign_in(client, existing):
    response = client.post(reverse("api_token_revoke", args=[existing.pk]))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.is_active


def test_administrators_need_two_factor_by_default(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
