import datetime

import pytest
from django.urls import reverse

from doorstep.core import audit

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
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    page = admin_client_verified.get(reverse("audit_log"), {"date_from": tomorrow}).content.decode()
    assert "0 records" in page


def test_bad_filters_are_explained(admin_client_verified, records):
    page = admin_client_verified.get(
        reverse("audit_log"),
        {"resident": "abc", "date_from": "2026-12-01", "date_to": "2026-11-01"},
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter a record number using numbers only" in page
    assert "The &#x27;to&#x27; date must be the same as or after the &#x27;from&#x27; date" in page
