"""The server takes what the OpenAPI schema says and refuses what it refuses."""

import pytest

from doorstep.residents.models import Resident

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db

IMPACT = "/api/v1/inclusion/impact"


def _locations(response) -> list[list]:
    assert response.status_code == 422, response.content
    return [item["loc"] for item in response.json()["detail"]]


def _schemas_of_request_bodies(schema):
    for methods in schema["paths"].values():
        for operation in methods.values():
            body = operation.get("requestBody")
            if body:
                ref = body["content"]["application/json"]["schema"]["$ref"]
                yield ref.rsplit("/", 1)[-1]


def test_every_request_body_says_unknown_fields_are_refused(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    names = set(_schemas_of_request_bodies(schema))
    assert len(names) >= 10
    nested = {"DocumentAsked"}
    for name in names | nested:
        assert components[name].get("additionalProperties") is False, name


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-4-1", "01/04/2026"])
def test_impact_takes_only_an_iso_date(api, value):
    # pydantic alone read start=0 as 0 seconds after 1970, while the schema says a date.
    assert _locations(api.get(IMPACT, {"start": value})) == [["query", "start"]]


def test_impact_takes_an_iso_date(api):
    response = api.get(IMPACT, {"start": "2026-04-01", "end": "2026-04-30"})
    assert response.status_code == 200, response.content
    assert response.json()["start"] == "2026-04-01"


def test_impact_names_the_query_parameter_when_the_period_runs_backwards(api):
    response = api.get(IMPACT, {"start": "2026-04-30", "end": "2026-04-01"})
    assert _locations(response) == [["query", "end"]]


def test_a_date_in_a_body_must_be_an_iso_date_not_a_number(api):
    response = api.post(
        "/api/v1/residents", {"first_name": "Ada", "last_name": "Byron", "date_of_birth": 0}
    )
    assert _locations(response) == [["body", "date_of_birth"]]
    assert response.json()["detail"][0]["msg"] == (
        "Date of birth must be a real date, like 1980-02-01"
    )
    assert not Resident.objects.exists()


def test_a_time_in_a_body_must_be_iso_8601_not_a_number(api, textable_resident):
    response = api.post(
        f"/api/v1/residents/{textable_resident.pk}/messages",
        {"body": "Hello", "send_after": 1800000000},
    )
    assert _locations(response) == [["body", "send_after"]]


@pytest.mark.parametrize(
    ("field", "value"), [("needs_interpreter", "true"), ("needs_interpreter", 1), ("town", 7)]
)
def test_values_are_taken_only_in_the_json_type_the_schema_gives(api, field, value):
    resident = ResidentFactory(town="Hackney", needs_interpreter=False)
    response = api.patch(f"/api/v1/residents/{resident.pk}", {field: value})
    assert _locations(response) == [["body", field]]


def test_unknown_fields_are_refused_by_every_write(api):
    resident = ResidentFactory()
    response = api.post(
        f"/api/v1/residents/{resident.pk}/plans", {"title": "Housing", "colour": "red"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "colour"],
            "msg": "'colour' is not a field this request takes",
            "type": "extra_forbidden",
        }
    ]
    assert not resident.plans.exists()


@pytest.mark.parametrize("name", ["help_request_id", "friend_id"])
@pytest.mark.parametrize("value", ["-52593477722263327353137755324416", "0", str(2**63)])
def test_session_filters_refuse_ids_no_record_can_have(api, name, value):
    # A number past 64 bits once reached SQLite through a join and gave a 500.
    assert _locations(api.get("/api/v1/sessions", {name: value})) == [["query", name]]


def test_session_filters_take_any_real_id(api):
    response = api.get("/api/v1/sessions", {"help_request_id": 2**63 - 1, "friend_id": 1})
    assert response.status_code == 200, response.content
    assert response.json() == {"count": 0, "items": []}
