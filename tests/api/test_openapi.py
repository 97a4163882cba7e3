import pytest

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
