import pytest
from django.urls import reverse

from doorstep.cases.models import CaseType
from doorstep.core import roles

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_administrators_manage_staff_and_teams_in_the_admin(client, settings):
    settings.OTP_REQUIRED_ROLES = []
    admin = StaffFactory(roles=[roles.ADMINISTRATOR], is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("admin:core_staff_changelist")).status_code == 200
    assert client.get(reverse("admin:core_team_add")).status_code == 200
    assert client.get(reverse("admin:cases_casetype_changelist")).status_code == 200


def test_resident_records_are_not_in_the_admin(client, settings):
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Residents" not in page and "Audit" not in page


def test_officers_cannot_use_the_admin(client):
    client.force_login(StaffFactory(roles=[roles.OFFICER]))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url


def test_administrators_add_case_types_without_being_superusers(client, settings):
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(StaffFactory(roles=[roles.ADMINISTRATOR], is_staff=True))
    response = client.post(
        reverse("admin:cases_casetype_add"),
        {"name": "Homelessness", "reference_prefix": "HL", "is_active": "on"},
    )
    assert response.status_code == 302
    assert CaseType.objects.filter(reference_prefix="HL").exists()
