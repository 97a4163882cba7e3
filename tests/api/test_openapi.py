import pytest

from doorstep.inclusion import skills
from doorstep.vulnerability.indicators import AREAS_BY_SLUG, INDICATORS

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served_and_lists_the_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths["/api/v1/residents"]) == {"get", "post"}
    assert set(paths["/api/v1/residents/{resident_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/residents/{resident_id}/timeline"]) == {"get"}
    schemes = schema["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())


def test_openapi_describes_the_resident(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    resident = schemas["ResidentOut"]["properties"]
    for field in (
        "id",
        "first_name",
        "last_name",
        "date_of_birth",
        "national_insurance_number",
        "phones",
        "email",
        "address_line_1",
        "postcode",
    ):
        assert field in resident
    assert set(schemas["ResidentCreate"]["required"]) == {"first_name", "last_name"}
    assert schemas["ResidentUpdate"].get("additionalProperties") is False


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_errors_it_can_give(client):
    # Every answer the API can give is in the schema, so a client generated from it handles
    # them: the token's 401 and 403, 422 for a parameter or body that breaks the schema, and
    # 400 for a body that is not JSON at all.
    schema = client.get("/api/v1/openapi.json").json()
    for name, operation in _operations(schema):
        documented = set(operation["responses"])
        assert {"401", "403"} <= documented, name
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in documented, name
        if "requestBody" in operation:
            assert "400" in documented, name


def test_the_schema_gives_the_range_of_bedroom_needs_the_server_takes(client):
    # A need of 0 or 6 is refused with a 422, so the schema must not offer it.
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/housing/estimates"]
    (bedrooms,) = [p for p in operation["get"]["parameters"] if p["name"] == "bedrooms"]
    number = [kind for kind in bedrooms["schema"]["anyOf"] if kind["type"] == "integer"][0]
    assert (number["minimum"], number["maximum"]) == (1, 5)


def _operation_ids(schema) -> dict[str, str]:
    return {operation["operationId"]: name for name, operation in _operations(schema)}


def test_links_lead_from_an_answer_to_the_calls_it_opens(client):
    schema = client.get("/api/v1/openapi.json").json()
    by_id = _operation_ids(schema)
    created = schema["paths"]["/api/v1/residents"]["post"]["responses"]["201"]["links"]
    targets = {by_id[link["operationId"]] for link in created.values()}
    assert {
        "GET /api/v1/residents/{resident_id}",
        "PATCH /api/v1/residents/{resident_id}",
        "POST /api/v1/residents/{resident_id}/evidence-requests",
        "POST /api/v1/residents/{resident_id}/plans",
    } <= targets
    assert created["ChangeResident"]["parameters"] == {"resident_id": "$response.body#/id"}
    asked = schema["paths"]["/api/v1/residents/{resident_id}/evidence-requests"]["post"]
    link = asked["responses"]["201"]["links"]["GetEvidenceRequest"]
    assert by_id[link["operationId"]] == "GET /api/v1/evidence-requests/{request_id}"
    plan = schema["paths"]["/api/v1/plans/{plan_id}"]["get"]["responses"]["200"]["links"]
    assert plan["AddAction"]["requestBody"] == {"goal_id": "$response.body#/goals/0/id"}
    assert plan["ChangeFirstAction"]["requestBody"] == {
        "version": "$response.body#/goals/0/actions/0/version"
    }


def test_every_link_names_an_operation_and_its_path_parameters(client):
    schema = client.get("/api/v1/openapi.json").json()
    by_id = _operation_ids(schema)
    count = 0
    for name, operation in _operations(schema):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                count += 1
                target = by_id[link["operationId"]]
                method, path = target.split(" ", 1)
                needed = {
                    p["name"]
                    for p in schema["paths"][path][method.lower()].get("parameters", [])
                    if p["in"] == "path"
                }
                assert needed <= set(link["parameters"]), (name, target)
    assert count >= 50


def test_the_schema_lists_the_choices_the_server_takes(client):
    # The services refuse anything else with a 422, so the schema must not offer free text.
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    friend = schemas["FriendIn"]["properties"]
    assert friend["kind"]["enum"] == ["staff", "community"]
    assert friend["topics"]["items"]["enum"] == list(skills.TOPICS)
    assert friend["availability"]["items"]["enum"] == list(skills.SLOTS)
    assert schemas["HelpRequestIn"]["properties"]["source"]["enum"] == [
        "officer",
        "colleague",
        "public",
    ]
    check = schemas["SkillsCheckIn"]["properties"]
    assert check["tasks"]["items"]["enum"] == list(skills.ALL_TASKS)
    assert check["connection"]["enum"] == ["home", "mobile", "none"]
    assessment = schemas["AssessmentIn"]["properties"]
    assert assessment["indicators"]["items"]["enum"] == list(INDICATORS)
    assert assessment["notes"]["propertyNames"]["enum"] == list(AREAS_BY_SLUG)
