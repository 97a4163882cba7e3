"""API token scopes: each part of the API needs its own scope, checked on every request."""

import importlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from doorstep.api import services
from doorstep.api.access import ALL_SCOPES, token_allows
from doorstep.api.models import ApiToken, Scope
from doorstep.core.models import AuditEvent
from doorstep.core.tokens import hash_token
from doorstep.residents.models import Resident

from ..factories import ResidentFactory
from .conftest import ApiClient

pytestmark = pytest.mark.django_db

# One operation for each scope that has routes, and the status it gives a token holding it.
OPERATIONS = {
    Scope.RESIDENTS_READ: ("get", "/api/v1/residents/{id}", None, 200),
    Scope.RESIDENTS_WRITE: ("patch", "/api/v1/residents/{id}", {"preferred_name": "Ada"}, 200),
    Scope.VULNERABILITY: ("get", "/api/v1/residents/{id}/assessments", None, 200),
    Scope.HOUSING: ("get", "/api/v1/housing/estimates", None, 200),
    Scope.MESSAGING: ("get", "/api/v1/residents/{id}/messages", None, 200),
    # No such request: the route ran and looked for it.
    Scope.EVIDENCE: ("get", "/api/v1/evidence-requests/999999", None, 404),
    Scope.PLANS: ("get", "/api/v1/residents/{id}/plans", None, 200),
    Scope.INCLUSION: ("get", "/api/v1/digital-friends", None, 200),
}


def _call(api: ApiClient, scope: str, resident: Resident):
    method, path, body, _ = OPERATIONS[scope]
    path = path.format(id=resident.pk)
    return getattr(api, method)(path, body) if body is not None else getattr(api, method)(path)


def _client_with(client, *scopes: str) -> ApiClient:
    _, raw = services.issue_token(actor=None, name="Scoped system", scopes=scopes)
    return ApiClient(client, raw)


def test_every_scope_is_a_known_name():
    assert set(ALL_SCOPES) == {
        "residents:read",
        "residents:write",
        "vulnerability",
        "housing",
        "messaging",
        "evidence",
        "plans",
        "inclusion",
        "reporting",
    }


# --- Through the API ---------------------------------------------------------------------------


@pytest.mark.parametrize("held", list(OPERATIONS))
def test_a_scope_opens_its_own_router_and_no_other(client, held):
    api = _client_with(client, held)
    resident = ResidentFactory()
    for scope, (_, _, _, allowed_status) in OPERATIONS.items():
        response = _call(api, scope, resident)
        if scope == held:
            assert response.status_code == allowed_status, (scope, response.content)
        else:
            assert response.status_code == 403, (held, scope, response.content)
            body = response.json()
            assert body["scope"] == scope
            assert f"needs the '{scope}' scope" in body["detail"]


def test_residents_read_cannot_write(client):
    api = _client_with(client, Scope.RESIDENTS_READ)
    resident = ResidentFactory(first_name="Grace")
    assert api.get("/api/v1/residents", {"q": "Grace"}).status_code == 200
    assert api.get(f"/api/v1/residents/{resident.pk}/timeline").status_code == 200

    created = api.post("/api/v1/residents", {"first_name": "Ada", "last_name": "Lovelace"})
    assert created.status_code == 403
    assert created.json()["scope"] == "residents:write"
    changed = api.patch(f"/api/v1/residents/{resident.pk}", {"first_name": "Ada"})
    assert changed.status_code == 403
    assert Resident.objects.count() == 1
    resident.refresh_from_db()
    assert resident.first_name == "Grace"


def test_residents_write_cannot_read(client):
    api = _client_with(client, Scope.RESIDENTS_WRITE)
    resident = ResidentFactory(first_name="Grace")
    assert api.get("/api/v1/residents", {"q": "Grace"}).status_code == 403
    assert api.get(f"/api/v1/residents/{resident.pk}").status_code == 403
    created = api.post("/api/v1/residents", {"first_name": "Ada", "last_name": "Lovelace"})
    assert created.status_code == 201
    # Nothing was read, so nothing was written to the audit log as a view or search.
    assert not AuditEvent.objects.filter(action__in=["view", "search"]).exists()


def test_the_refusal_says_which_scope_is_missing(client):
    api = _client_with(client, Scope.HOUSING)
    resident = ResidentFactory()
    response = api.get(f"/api/v1/residents/{resident.pk}")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert 'scope="residents:read"' in response["WWW-Authenticate"]
    assert response.json() == {
        "detail": (
            "This API token may not do this: it needs the 'residents:read' scope "
            "(Find and read resident records and their timelines). "
            "An Administrator can create a token that has it."
        ),
        "scope": "residents:read",
    }


def test_a_bad_token_is_still_401_not_403(client):
    resident = ResidentFactory()
    response = ApiClient(client, "dst_not-a-token").get(f"/api/v1/residents/{resident.pk}")
    assert response.status_code == 401


def test_a_token_with_no_scopes_can_do_nothing(client):
    _, raw = services.issue_token(actor=None, name="Old system")
    ApiToken.objects.update(scopes=[])
    api = ApiClient(client, raw)
    resident = ResidentFactory()
    for scope in OPERATIONS:
        assert _call(api, scope, resident).status_code == 403


def test_the_schema_documents_the_scope_and_the_403(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    residents = paths["/api/v1/residents"]
    assert "`residents:read`" in residents["get"]["description"]
    assert "`residents:write`" in residents["post"]["description"]
    assert "`messaging`" in paths["/api/v1/residents/{resident_id}/messages"]["get"]["description"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "403" in operation["responses"], (method, path)
            assert "Needs the `" in operation["description"], (method, path)


# --- token_allows ------------------------------------------------------------------------------


@pytest.mark.parametrize("held", ALL_SCOPES)
def test_token_allows_only_the_scopes_given(held):
    token, _ = services.issue_token(actor=None, name="System", scopes=[held])
    for scope in ALL_SCOPES:
        assert token_allows(token, scope) is (scope == held)


def test_token_allows_nothing_for_a_revoked_token_or_an_unknown_scope():
    token, _ = services.issue_token(actor=None, name="System")
    assert all(token_allows(token, scope) for scope in ALL_SCOPES)
    assert not token_allows(token, "residents:delete")
    assert not token_allows(None, "residents:read")
    ApiToken.objects.filter(pk=token.pk).update(scopes=[*ALL_SCOPES, "admin"])
    token.refresh_from_db()
    assert not token_allows(token, "admin")
    services.revoke_token(actor=None, token=token)
    token.refresh_from_db()
    assert not any(token_allows(token, scope) for scope in ALL_SCOPES)


# --- Issuing -----------------------------------------------------------------------------------


def test_issuing_keeps_the_scopes_in_order_and_audits_them():
    token, _ = services.issue_token(actor=None, name="CRM", scopes=["plans", "residents:read"])
    token.refresh_from_db()
    assert token.scopes == ["residents:read", "plans"]
    event = AuditEvent.objects.get(action="token")
    assert event.detail.endswith("with scopes residents:read, plans")


@pytest.mark.parametrize("scopes", [["residents:delete"], ["residents:read", "Residents"], []])
def test_issuing_refuses_unknown_or_no_scopes(scopes):
    with pytest.raises(ValidationError) as error:
        services.issue_token(actor=None, name="CRM", scopes=scopes)
    assert list(error.value.message_dict) == ["scopes"]
    assert not ApiToken.objects.exists()


def test_administrator_chooses_the_scopes_on_the_form(admin_client_verified):
    form = admin_client_verified.get(reverse("api_token_new")).content.decode()
    for scope in ALL_SCOPES:
        assert f'value="{scope}"' in form
    assert 'name="choosing_scopes"' in form

    response = admin_client_verified.post(
        reverse("api_token_new"),
        {
            "name": "Text sender",
            "scopes": ["messaging", "residents:read"],
            "choosing_scopes": "True",
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.scopes == ["residents:read", "messaging"]
    raw = response.content.decode().split('id="api-token" type="text" value="')[1].split('"')[0]
    assert token.token_hash == hash_token(raw)

    listing = admin_client_verified.get(reverse("api_tokens")).content.decode()
    assert "May use" in listing
    assert "<code>residents:read</code><br><code>messaging</code>" in listing


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        (["residents:delete"], "There is no scope &#x27;residents:delete&#x27;"),
        (["admin", "plans"], "There is no scope &#x27;admin&#x27;"),
        ([], "Choose what the token may do"),
    ],
)
def test_the_form_refuses_bad_scope_names_and_an_empty_choice(
    admin_client_verified, scopes, message
):
    response = admin_client_verified.post(
        reverse("api_token_new"),
        {"name": "Text sender", "scopes": scopes, "choosing_scopes": "True"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert not ApiToken.objects.exists()


def test_the_command_takes_scopes(client):
    out = io.StringIO()
    call_command("create_api_token", "Nightly export", "--scope", "housing", stdout=out)
    token = ApiToken.objects.get()
    assert token.scopes == ["housing"]
    api = ApiClient(client, out.getvalue().strip())
    assert api.get("/api/v1/housing/estimates").status_code == 200
    assert api.get(f"/api/v1/residents/{ResidentFactory().pk}").status_code == 403


def test_the_command_refuses_a_bad_scope():
    with pytest.raises(CommandError, match="There is no scope 'housing:write'"):
        call_command(
            "create_api_token", "Nightly export", "--scope", "housing:write", stdout=io.StringIO()
        )
    assert not ApiToken.objects.exists()


# --- Tokens from before scopes -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_tokens_every_scope():
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0002_initial")])
    old_apps = executor.loader.project_state([("api", "0002_initial")]).apps
    old_apps.get_model("api", "ApiToken").objects.create(
        name="Old system", token_hash="1" * 64, prefix="dst_11111111"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    token = ApiToken.objects.get(name="Old system")
    assert token.scopes == list(ALL_SCOPES)
    assert all(token_allows(token, scope) for scope in ALL_SCOPES)
    # The list written into the migration is the list of scopes today.
    migration = importlib.import_module("doorstep.api.migrations.0003_token_scopes")
    assert migration.EVERY_SCOPE_IN_0003 == list(ALL_SCOPES)
    # A token made some other way, without choosing, holds nothing.
    assert ApiToken.objects.create(name="New", token_hash="2" * 64, prefix="x").scopes == []
