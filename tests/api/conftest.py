import json

import pytest

from doorstep.api import services


class ApiClient:
    """Django's test client with a bearer token and JSON bodies."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, headers=self._headers())

    def post(self, path, body):
        return self.client.post(
            path, json.dumps(body), content_type="application/json", headers=self._headers()
        )

    def patch(self, path, body):
        return self.client.patch(
            path, json.dumps(body), content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def issued(db):
    token, raw = services.issue_token(actor=None, name="Housing register sync")
    return token, raw


@pytest.fixture
def api(client, issued):
    return ApiClient(client, issued[1])


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client, None)
