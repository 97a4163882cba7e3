import datetime

import pytest
from django.utils import timezone

from doorstep.core import timeline
from doorstep.core.models import AuditEvent

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/residents/{}/timeline"


@pytest.fixture
def resident(officer):
    resident = ResidentFactory()
    start = timezone.now() - datetime.timedelta(days=30)
    for number in range(7):
        timeline.add_event(
            resident_id=resident.pk,
            kind="note" if number % 2 == 0 else "record",
            summary=f"Event {number}",
            body=f"Body {number}",
            actor=officer,
            occurred_at=start + datetime.timedelta(hours=number),
        )
    return resident


def test_timeline_pages_newest_first(api, resident, officer):
    first = api.get(URL.format(resident.pk), {"per_page": 3}).json()
    assert (first["count"], first["page"], first["pages"], first["per_page"]) == (7, 1, 3, 3)
    assert [item["summary"] for item in first["items"]] == ["Event 6", "Event 5", "Event 4"]
    item = first["items"][0]
    assert set(item) == {"id", "kind", "kind_label", "occurred_at", "summary", "body", "actor"}
    assert (item["kind"], item["kind_label"], item["body"]) == ("note", "Notes", "Body 6")
    assert item["actor"] == str(officer)
    last = api.get(URL.format(resident.pk), {"per_page": 3, "page": 3}).json()
    assert [item["summary"] for item in last["items"]] == ["Event 0"]


def test_a_page_past_the_end_is_empty(api, resident):
    body = api.get(URL.format(resident.pk), {"per_page": 3, "page": 9}).json()
    assert body["items"] == [] and body["pages"] == 3 and body["page"] == 9


def test_timeline_filters_by_kind(api, resident):
    body = api.get(URL.format(resident.pk), {"kind": "record"}).json()
    assert body["count"] == 3
    assert {item["kind"] for item in body["items"]} == {"record"}
    both = api.get(URL.format(resident.pk), {"kind": ["record", "note"]}).json()
    assert both["count"] == 7


def test_an_unknown_kind_or_bad_paging_is_422(api, resident):
    response = api.get(URL.format(resident.pk), {"kind": "gossip"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", "kind"]
    assert detail[0]["msg"].startswith("'gossip' is not a kind of event")
    response = api.get(URL.format(resident.pk), {"per_page": 500})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Per page must be 100 or less"
    assert api.get(URL.format(resident.pk), {"page": 0}).status_code == 422


def test_reading_the_timeline_is_audited(api, resident):
    api.get(URL.format(resident.pk))
    event = AuditEvent.objects.get(action="view")
    assert event.resident_id == resident.pk and event.detail == "Timeline"


def test_timeline_of_an_unknown_or_merged_resident_is_404(api, resident):
    assert api.get(URL.format(999999)).status_code == 404
    merged = ResidentFactory(merged_into=resident)
    response = api.get(URL.format(merged.pk))
    assert response.status_code == 404
    assert response.json()["merged_into"] == resident.pk


def test_timeline_needs_a_token(anonymous_api, resident):
    assert anonymous_api.get(URL.format(resident.pk)).status_code == 401


def test_the_schema_lists_the_kinds_of_event_the_filter_takes(client):
    # The server refuses any other kind, so the schema must not offer free text.
    operation = client.get("/api/v1/openapi.json").json()["paths"][
        "/api/v1/residents/{resident_id}/timeline"
    ]["get"]
    (kind,) = [p for p in operation["parameters"] if p["name"] == "kind"]
    (listed,) = [s for s in kind["schema"]["anyOf"] if s["type"] == "array"]
    assert {"note", "record", "text"} <= set(listed["items"]["enum"])


def test_an_empty_kind_is_refused_like_any_other_unknown_kind(api, resident):
    # The schema's list of kinds does not include "", so the server must not ignore it.
    response = api.get(URL.format(resident.pk), {"kind": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "kind"]
