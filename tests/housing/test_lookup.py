"""A household looks up its own place with its reference and the lead applicant's birth date."""

import pytest
from django.urls import reverse

from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent
from doorstep.housing import services

from ..dates import date_parts
from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db

URL = "/housing/my-position/"
RIGHT = {"reference": "hrtest1", **date_parts("date_of_birth", "27 3 1985")}
WRONG = {**RIGHT, "date_of_birth_day": "28"}


def lookup_audit():
    return list(AuditEvent.objects.filter(object_type="housing_application").order_by("id"))


def test_the_url_is_public_and_stable():
    assert reverse("housing:lookup") == URL


def test_reference_and_date_of_birth_that_match_show_the_position(client, register):
    response = client.post(URL, RIGHT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your place on the housing register" in page
    # 2 in band A and 3 earlier in band B: 5 ahead.
    assert "5: 2 in higher bands and 3 in your band with an earlier date" in page
    # Our estimate: home number 6 at 24 a year (2 a month) -> 3 months.
    assert "about 3 months" in page
    # The council's usual formula: (5 - 1) / 24 * 12 = 2.0 months.
    assert "2.0 months" in page
    assert response["Cache-Control"].startswith("max-age=0")
    [event] = lookup_audit()
    assert event.object_id == str(register["target"].pk)
    assert "matched" in event.detail
    assert "1985" not in event.detail and "27" not in event.detail
    assert ServiceEvent.objects.filter(name="housing.position_lookup").count() == 1


def test_a_wrong_date_of_birth_is_refused_and_audited_without_it(client, register):
    response = client.post(URL, WRONG)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The reference and date of birth do not match our records" in page
    assert "Your place on the housing register" not in page
    [event] = lookup_audit()
    assert "failed" in event.detail and "did not match" in event.detail
    assert "1985" not in event.detail and "28" not in event.detail


def test_an_unknown_reference_gives_the_same_message(client, register):
    page = client.post(URL, {**RIGHT, "reference": "HR999"}).content.decode()
    assert "The reference and date of birth do not match our records" in page
    [event] = lookup_audit()
    assert event.object_id == "" and "no application" in event.detail


def test_a_record_without_a_date_of_birth_never_matches(register):
    # Whatever date is entered, the lookup fails closed.
    import datetime

    for birth in [datetime.date(1985, 3, 27), datetime.date(1900, 1, 1)]:
        with pytest.raises(services.LookupFailed):
            services.lookup_position(reference="HRNODOB", date_of_birth=birth)
    assert all("no date of birth" in event.detail for event in lookup_audit())


def test_five_failures_for_a_reference_lock_it_for_an_hour(client, register):
    for attempt in range(services.LOOKUP_FAILURE_LIMIT):
        # From different addresses: the reference's own count still adds up.
        client.post(URL, WRONG, REMOTE_ADDR=f"10.0.0.{attempt + 1}")
    response = client.post(URL, RIGHT, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have tried too many times. Wait an hour and try again" in page
    assert "Your place on the housing register" not in page
    assert "refused" in lookup_audit()[-1].detail


def test_five_failures_from_an_address_lock_that_address(client, register):
    for number in range(services.LOOKUP_FAILURE_LIMIT):
        client.post(URL, {**RIGHT, "reference": f"HRGUESS{number}"}, REMOTE_ADDR="10.0.0.9")
    assert client.post(URL, RIGHT, REMOTE_ADDR="10.0.0.9").status_code == 429
    # Another address is not affected.
    ok = client.post(URL, RIGHT, REMOTE_ADDR="10.0.0.10")
    assert ok.status_code == 200
    assert "Your place on the housing register" in ok.content.decode()


def test_four_failures_still_allow_the_right_answer(client, register):
    for _ in range(services.LOOKUP_FAILURE_LIMIT - 1):
        client.post(URL, WRONG)
    assert "Your place on the housing register" in client.post(URL, RIGHT).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"reference": "", **date_parts("date_of_birth", "27 3 1985")},
            "Enter your housing register reference",
        ),
        (
            {"reference": "HRTEST1", **date_parts("date_of_birth", None)},
            '<a href="#id_date_of_birth_day">Enter the lead applicant&#x27;s date of birth</a>',
        ),
        (
            {"reference": "HRTEST1", **date_parts("date_of_birth", "27  1985")},
            '<a href="#id_date_of_birth_month">Date of birth must include a month</a>',
        ),
        (
            {"reference": "HRTEST1", **date_parts("date_of_birth", "31 2 1985")},
            '<a href="#id_date_of_birth_day">Date of birth must be a real date</a>',
        ),
        (
            {"reference": "HRTEST1", **date_parts("date_of_birth", "27 3 85")},
            '<a href="#id_date_of_birth_year">Year must include 4 numbers</a>',
        ),
        (
            {"reference": "HRTEST1", **date_parts("date_of_birth", "1 1 2999")},
            "Date of birth must be in the past",
        ),
    ],
)
def test_form_mistakes_are_explained_and_not_counted(client, register, data, message):
    response = client.post(URL, data)
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert not lookup_audit()


def test_a_linked_resident_gets_a_timeline_event(client, register):
    resident = ResidentFactory()
    target = register["target"]
    target.resident = resident
    target.save()
    client.post(URL, RIGHT)
    event = TimelineEvent.objects.get(resident_id=resident.pk, kind="housing")
    assert "Checked their place" in event.summary
    assert lookup_audit()[0].resident_id == resident.pk


@pytest.mark.parametrize("typed", ["hr test 1", " HR-TEST-1 ", "h.r.test/1", "HRTEST1"])
def test_a_reference_typed_with_spaces_or_punctuation_is_found_and_uses_no_try(
    client, register, typed
):
    for _ in range(services.LOOKUP_FAILURE_LIMIT + 2):
        page = client.post(URL, {**RIGHT, "reference": typed}).content.decode()
        assert "Your place on the housing register" in page


def test_a_locked_reference_stays_locked_however_it_is_typed(client, register):
    for _ in range(services.LOOKUP_FAILURE_LIMIT):
        client.post(URL, {**WRONG, "reference": "hrtest1"}, REMOTE_ADDR="203.0.113.1")
    page = client.post(URL, {**RIGHT, "reference": "HR TEST-1"}, REMOTE_ADDR="203.0.113.2")
    assert "Your place on the housing register" not in page.content.decode()
