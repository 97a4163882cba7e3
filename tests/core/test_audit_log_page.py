import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import audit

from ..dates import date_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(officer, team_leader):
    audit.record(actor=officer, action="view", object_type="resident", object_id=1, resident_id=1)
    audit.record(
        actor=team_leader,
        action="update",
        object_type="resident",
        object_id=2,
        resident_id=2,
        fields=["postcode"],
    )


def test_administrators_filter_the_log_by_resident_and_staff(
    admin_client_verified, records, officer, team_leader
):
    url = reverse("audit_log")
    by_resident = admin_client_verified.get(url, {"resident": 2}).content.decode()
    assert team_leader.email in by_resident and officer.email not in by_resident
    by_staff = admin_client_verified.get(url, {"staff": officer.pk}).content.decode()
    assert officer.email in by_staff and team_leader.email not in by_staff


def test_the_log_filters_by_date(admin_client_verified, records, officer):
    today = timezone.localdate()
    url = reverse("audit_log")
    tomorrow = today + datetime.timedelta(days=1)
    page = admin_client_verified.get(url, date_parts("date_from", tomorrow)).content.decode()
    assert "0 records" in page
    page = admin_client_verified.get(
        url, {**date_parts("date_from", today), **date_parts("date_to", today)}
    ).content.decode()
    assert "2 records" in page
    assert 'name="date_from_day" type="text" inputmode="numeric" value="' in page


def test_bad_filters_are_explained(admin_client_verified, records):
    page = admin_client_verified.get(
        reverse("audit_log"),
        {
            "resident": "abc",
            **date_parts("date_from", "1 12 2026"),
            **date_parts("date_to", "1 11 2026"),
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter a record number using numbers only" in page
    assert "The ‘to’ date must be the same as or after the ‘from’ date" in page


def test_an_impossible_filter_date_is_explained_and_shows_no_records(
    admin_client_verified, records
):
    page = admin_client_verified.get(
        reverse("audit_log"), date_parts("date_from", "30 2 2026")
    ).content.decode()
    assert '<a href="#id_date_from_day">The ‘from’ date must be a real date</a>' in page
    assert "0 records" in page
