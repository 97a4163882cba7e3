import io

import pytest
from django.core.management import CommandError, call_command

from doorstep.api.models import ApiToken
from doorstep.core.models import AuditEvent
from doorstep.core.tokens import hash_token

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_only_a_working_token(client):
    out = io.StringIO()
    call_command("create_api_token", "Nightly export", stdout=out)
    printed = out.getvalue()
    token = printed.strip()
    assert printed == token + "\n"
    assert token.startswith("dst_")
    stored = ApiToken.objects.get()
    assert stored.name == "Nightly export"
    assert stored.token_hash == hash_token(token)
    event = AuditEvent.objects.get(action="token")
    assert event.actor_label == "manage.py create_api_token"

    resident = ResidentFactory()
    response = client.get(
        f"/api/v1/residents/{resident.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_create_api_token_needs_a_real_name():
    with pytest.raises(CommandError, match="Enter the name"):
        call_command("create_api_token", " ", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
