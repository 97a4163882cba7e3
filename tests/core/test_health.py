import pytest
from django.core.files.storage import default_storage

from doorstep.core import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage", "task_queue", "virus_scanner"}
    assert body["checks"]["task_queue"]["detail"].startswith("DatabaseBackend")
    assert not default_storage.listdir("healthz")[1], "the storage check leaves no file behind"


def test_healthz_says_which_part_is_failing(client, monkeypatch):
    def broken_storage():
        raise OSError("disk full")

    monkeypatch.setitem(health.CHECKS, "storage", broken_storage)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "ok": False,
        "detail": "OSError: disk full",
        "ms": pytest.approx(0, abs=1000),
    }
    assert response.json()["checks"]["database"]["ok"] is True


def test_healthz_needs_no_sign_in_and_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_from_elsewhere_says_only_ok_or_failing(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "storage", lambda: (_ for _ in ()).throw(OSError("disk")))
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503
    assert response.json() == {"status": "failing"}


def test_healthz_through_the_proxy_is_not_from_this_machine(client):
    response = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.json() == {"status": "ok"}


def test_healthz_details_for_administrators_anywhere(client, administrator, officer):
    client.force_login(officer)
    assert "checks" not in client.get("/healthz", REMOTE_ADDR="203.0.113.9").json()
    client.force_login(administrator)
    assert "database" in client.get("/healthz", REMOTE_ADDR="203.0.113.9").json()["checks"]
