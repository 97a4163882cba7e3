import datetime

import pytest

from doorstep.core.models import AuditEvent, TimelineEvent
from doorstep.residents.models import ExternalIdentifier, Flag, Resident
from doorstep.residents.search import search_residents

from ..factories import PhoneFactory, ResidentFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/residents"
ONE = "/api/v1/residents/{}"

VALID = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "date_of_birth": "1985-12-10",
    "national_insurance_number": "ab 12 34 56 c",
    "phones": ["07700 900982", "+44 1632 960001"],
    "email": "Ada@Example.com",
    "address_line_1": "1 Mare Street",
    "postcode": "e8 1dy",
}


def _errors(response) -> dict[str, list[str]]:
    """{field: [messages]} from a 422 body, checking its shape on the way."""
    assert response.status_code == 422, response.content
    found: dict[str, list[str]] = {}
    for item in response.json()["detail"]:
        assert set(item) == {"loc", "msg", "type"}
        found.setdefault(str(item["loc"][-1]), []).append(item["msg"])
    return found


# --- Search ----------------------------------------------------------------------------------


def test_search_returns_count_and_items_best_match_first(api):
    for first, last in [("Mary", "Seacole"), ("Mary", "Shelley"), ("Marie", "Curie")]:
        ResidentFactory(first_name=first, last_name=last)
    ResidentFactory(first_name="John", last_name="Smith")
    response = api.get(LIST, {"q": "Mary"})
    assert response.status_code == 200
    body = response.json()
    expected = [resident.pk for resident in search_residents("Mary", limit=20)]
    assert len(expected) >= 2
    assert body["count"] == len(body["items"]) == len(expected)
    assert [item["id"] for item in body["items"]] == expected
    assert all(item["first_name"] in {"Mary", "Marie"} for item in body["items"])


def test_search_puts_the_matching_person_first(api):
    ResidentFactory(first_name="Grace", last_name="Hopper")
    ResidentFactory(first_name="Ada", last_name="Lovelace")
    ResidentFactory(first_name="Ada", last_name="Byron")
    body = api.get(LIST, {"q": "Ada Lovelace"}).json()
    assert body["items"][0]["last_name"] == "Lovelace"


def test_search_limit_is_honoured_and_capped(api):
    for _ in range(4):
        ResidentFactory(last_name="Okafor")
    body = api.get(LIST, {"q": "Okafor", "limit": 2}).json()
    assert body["count"] == 2 and len(body["items"]) == 2
    errors = _errors(api.get(LIST, {"q": "Okafor", "limit": 101}))
    assert errors == {"limit": ["Limit must be 100 or less"]}


def test_search_leaves_out_merged_records_and_is_audited(api):
    kept = ResidentFactory(last_name="Okonjo")
    ResidentFactory(last_name="Okonjo", merged_into=kept)
    body = api.get(LIST, {"q": "Okonjo"}).json()
    assert [item["id"] for item in body["items"]] == [kept.pk]
    event = AuditEvent.objects.get(action="search")
    assert event.actor is None
    assert event.actor_label.startswith("API: Housing register sync")
    assert event.detail == f"1 result: {kept.pk}"


def test_an_empty_search_finds_nothing(api):
    ResidentFactory()
    assert api.get(LIST, {"q": "  "}).json() == {"count": 0, "items": []}


# --- Reading ---------------------------------------------------------------------------------


def test_get_returns_the_resident_and_audits_the_read(api):
    resident = ResidentFactory(
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=datetime.date(1985, 12, 10),
        national_insurance_number="AB123456C",
        postcode="E8 1DY",
    )
    PhoneFactory(resident=resident, number="+447700900982")
    ExternalIdentifier.objects.create(resident=resident, source="Academy", value="100234")
    Flag.objects.create(resident=resident, kind="vulnerability", description="Recent bereavement")
    Flag.objects.create(resident=resident, kind="other", description="Old", is_active=False)

    response = api.get(ONE.format(resident.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == resident.pk
    assert body["reference"] == resident.reference
    assert body["date_of_birth"] == "1985-12-10"
    assert body["national_insurance_number"] == "AB123456C"
    assert body["phones"] == ["+447700900982"]
    assert body["postcode"] == "E8 1DY"
    assert body["identifiers"] == [{"source": "Academy", "value": "100234"}]
    assert [flag["description"] for flag in body["flags"]] == ["Recent bereavement"]
    assert body["flags"][0]["label"] == "Vulnerability"
    for field in ("email", "address_line_1", "created_at", "updated_at", "preferred_contact"):
        assert field in body
    view = AuditEvent.objects.get(action="view")
    assert view.resident_id == resident.pk
    assert view.actor_label.startswith("API: Housing register sync")


def test_unknown_id_is_a_json_404(api):
    response = api.get(ONE.format(999999))
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no resident with id 999999"}


def test_a_merged_record_is_404_naming_the_record_to_use(api):
    final = ResidentFactory()
    middle = ResidentFactory(merged_into=final)
    first = ResidentFactory(merged_into=middle)
    response = api.get(ONE.format(first.pk))
    assert response.status_code == 404
    assert response.json()["merged_into"] == final.pk
    assert api.patch(ONE.format(first.pk), {"town": "Hackney"}).status_code == 404
    assert not AuditEvent.objects.exclude(action="token").exists()


# --- Creating --------------------------------------------------------------------------------


def test_post_creates_a_resident_with_normalised_values(api):
    response = api.post(LIST, VALID)
    assert response.status_code == 201, response.content
    body = response.json()
    resident = Resident.objects.get(pk=body["id"])
    assert response["Location"] == ONE.format(resident.pk)
    assert body["national_insurance_number"] == "AB123456C"
    assert body["phones"] == ["+447700900982", "+441632960001"]
    assert body["postcode"] == "E8 1DY"
    assert body["email"] == "ada@example.com"
    assert body["date_of_birth"] == "1985-12-10"
    assert body["preferred_contact"] == "text"
    audit_event = AuditEvent.objects.get(action="create", resident_id=resident.pk)
    assert audit_event.actor_label.startswith("API: Housing register sync")
    assert "postcode" in audit_event.fields
    event = TimelineEvent.objects.get(resident_id=resident.pk)
    assert event.summary == "Record created"
    assert event.body == "Made through the API by Housing register sync"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"postcode": "not a postcode"}, "postcode", "Enter a real postcode, like E8 1DY"),
        (
            {"national_insurance_number": "12345"},
            "national_insurance_number",
            "Enter a National Insurance number in the correct format, like AB 12 34 56 C",
        ),
        ({"date_of_birth": "1985-02-30"}, "date_of_birth", "Date of birth must be a real date"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "Date of birth must be in the past"),
        ({"email": "ada@"}, "email", "Enter an e-mail address in the correct format"),
        (
            {"needs_interpreter": "maybe"},
            "needs_interpreter",
            "Needs interpreter must be true or false",
        ),
        ({"preferred_contact": "pigeon"}, "preferred_contact", "Choose how the resident prefers"),
        ({"town": "x" * 101}, "town", "The town must be 100 characters or fewer"),
    ],
)
def test_post_rejects_bad_values_with_field_messages(api, change, field, message):
    errors = _errors(api.post(LIST, {**VALID, **change}))
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert not Resident.objects.exists()


def test_post_reports_a_bad_phone_by_position(api):
    errors = _errors(api.post(LIST, {**VALID, "phones": ["07700 900982", "12"]}))
    assert errors == {
        "phones": [
            "Phone number 2 ('12'): Enter a phone number, like 01632 960 001, "
            "07700 900 982 or +44 808 157 0192"
        ]
    }


def test_post_without_names_says_what_to_enter(api):
    missing = {key: value for key, value in VALID.items() if key not in ("first_name", "last_name")}
    assert _errors(api.post(LIST, missing)) == {
        "first_name": ["Enter the resident's first name"],
        "last_name": ["Enter the resident's last name"],
    }
    assert _errors(api.post(LIST, {**VALID, "first_name": "  "})) == {
        "first_name": ["Enter the resident's first name"]
    }


def test_post_collects_every_rule_problem_at_once(api):
    errors = _errors(api.post(LIST, {**VALID, "postcode": "nope", "phones": ["12"]}))
    assert set(errors) == {"postcode", "phones"}
    assert all(
        item["loc"][0] == "body"
        for item in api.post(LIST, {**VALID, "postcode": "x"}).json()["detail"]
    )


def test_post_rejects_unknown_and_read_only_fields(api):
    errors = _errors(api.post(LIST, {**VALID, "nickname": "Ada", "reference": "R1"}))
    assert errors == {
        "nickname": ["'nickname' is not a field of a resident record"],
        "reference": ["'reference' cannot be changed"],
    }


def test_post_rejects_a_duplicate_ni_number(api):
    ResidentFactory(national_insurance_number="AB123456C")
    errors = _errors(api.post(LIST, VALID))
    assert errors == {
        "national_insurance_number": ["Another resident already has this National Insurance number"]
    }


def test_post_with_a_broken_body_is_refused(api, client, issued):
    response = client.post(
        LIST,
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued[1]}"},
    )
    assert response.status_code == 400
    assert _errors(api.post(LIST, ["a list"])) == {"body": ["Send the details as a JSON object"]}


# --- Changing --------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields_and_is_audited(api):
    resident = ResidentFactory(first_name="Ada", last_name="Lovelace", town="Hackney")
    PhoneFactory(resident=resident, number="+447700900982")
    response = api.patch(
        ONE.format(resident.pk), {"postcode": "n16 0aa", "phones": ["07700900111"]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["postcode"] == "N16 0AA"
    assert body["phones"] == ["+447700900111"]
    assert body["town"] == "Hackney" and body["first_name"] == "Ada"
    update = AuditEvent.objects.get(action="update")
    assert update.resident_id == resident.pk
    assert update.fields == ["phones", "postcode"]
    assert update.actor_label.startswith("API: Housing register sync")
    event = TimelineEvent.objects.get(resident_id=resident.pk)
    assert event.summary == "Changed postcode, phone numbers"
    assert event.body == "Made through the API by Housing register sync"


def test_patch_with_null_clears_a_field(api):
    resident = ResidentFactory(town="Hackney", needs_interpreter=True)
    body = api.patch(ONE.format(resident.pk), {"town": None, "needs_interpreter": None}).json()
    assert body["town"] == "" and body["needs_interpreter"] is False


def test_patch_that_changes_nothing_is_audited_as_a_read(api):
    resident = ResidentFactory(town="Hackney")
    assert api.patch(ONE.format(resident.pk), {"town": "Hackney"}).status_code == 200
    actions = AuditEvent.objects.exclude(action="token").values_list("action", flat=True)
    assert list(actions) == ["view"]
    assert not TimelineEvent.objects.exists()


def test_patch_rejects_bad_values_and_changes_nothing(api):
    resident = ResidentFactory(first_name="Ada", postcode="E8 1DY")
    errors = _errors(
        api.patch(ONE.format(resident.pk), {"postcode": "nope", "first_name": "", "town": "Bow"})
    )
    assert errors == {
        "postcode": ["Enter a real postcode, like E8 1DY"],
        "first_name": ["Enter the resident's first name"],
    }
    resident.refresh_from_db()
    assert (resident.postcode, resident.first_name, resident.town) == ("E8 1DY", "Ada", "")
    assert not AuditEvent.objects.filter(action="update").exists()


def test_patch_rejects_unknown_fields(api):
    resident = ResidentFactory()
    errors = _errors(api.patch(ONE.format(resident.pk), {"shoe_size": 9, "id": 4}))
    assert errors == {
        "shoe_size": ["'shoe_size' is not a field of a resident record"],
        "id": ["'id' cannot be changed"],
    }


def test_schema_and_rule_problems_come_back_together(api):
    response = api.post(
        LIST, {**VALID, "date_of_birth": "1985-02-30", "postcode": "nope", "shoe_size": 9}
    )
    errors = _errors(response)
    assert errors == {
        "date_of_birth": ["Date of birth must be a real date, like 1980-02-01"],
        "postcode": ["Enter a real postcode, like E8 1DY"],
        "shoe_size": ["'shoe_size' is not a field of a resident record"],
    }
    # In the order of the record's fields, unknown fields last.
    assert [item["loc"][-1] for item in response.json()["detail"]] == [
        "date_of_birth",
        "postcode",
        "shoe_size",
    ]


def test_patch_schema_errors_do_not_flag_the_residents_own_ni_number(api):
    resident = ResidentFactory(national_insurance_number="AB123456C")
    errors = _errors(
        api.patch(
            ONE.format(resident.pk),
            {"national_insurance_number": "AB 12 34 56 C", "needs_interpreter": "perhaps"},
        )
    )
    assert errors == {"needs_interpreter": ["Needs interpreter must be true or false"]}


def test_patch_to_an_id_that_is_not_a_number_is_a_422_not_a_server_error(api):
    # The body's rules are checked against the record named in the path; a path that names
    # no record at all once made that lookup fail with a 500.
    response = api.patch("/api/v1/residents/null%2Cnull", {"postcode": "nope", "town": "Bow"})
    assert response.status_code == 422, response.content
    locations = [item["loc"] for item in response.json()["detail"]]
    assert ["path", "resident_id"] in locations
