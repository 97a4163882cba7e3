"""Changes made in the Django admin are audited like every other change."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from doorstep.api import services as api_services
from doorstep.core import roles
from doorstep.core.models import AuditEvent, Staff, Team

from ..factories import StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(settings, team):
    settings.OTP_REQUIRED_ROLES = []
    return StaffFactory(
        email="admin@council.example", roles=[roles.ADMINISTRATOR], teams=[team], is_staff=True
    )


@pytest.fixture
def admin_site(client, admin_user):
    client.force_login(admin_user)
    return client


def _staff_form(staff: Staff, **changes) -> dict:
    """What the staff change page posts back: the current values, with `changes` applied."""
    data = {
        "email": staff.email,
        "full_name": staff.full_name,
        "groups": [group.pk for group in staff.groups.all()],
        "teams": [team.pk for team in staff.teams.all()],
        "is_active": staff.is_active,
        "is_staff": staff.is_staff,
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def _save_staff(client, staff: Staff, **changes):
    response = client.post(
        reverse("admin:core_staff_change", args=[staff.pk]), _staff_form(staff, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _only_record(**filters) -> AuditEvent:
    return AuditEvent.objects.get(**filters)


def test_changing_a_role_is_audited(admin_site, admin_user, officer):
    leader = Group.objects.get(name=roles.TEAM_LEADER)
    _save_staff(admin_site, officer, groups=[leader.pk])

    assert list(officer.groups.values_list("name", flat=True)) == [roles.TEAM_LEADER]
    event = _only_record(object_type="staff", action="update", object_id=str(officer.pk))
    assert event.actor == admin_user
    assert event.fields == ["groups"]
    assert "added Team leader" in event.detail
    assert "removed Officer" in event.detail
    assert event.ip_address == "127.0.0.1"


def test_changing_team_membership_is_audited(admin_site, admin_user, officer, team):
    other = TeamFactory(name="Rough Sleeping", slug="rough-sleeping")
    _save_staff(admin_site, officer, teams=[other.pk])

    event = _only_record(object_type="staff", action="update", object_id=str(officer.pk))
    assert event.fields == ["teams"]
    assert "Teams: added Rough Sleeping; removed Housing Needs" in event.detail


def test_switching_an_account_off_is_audited(admin_site, admin_user, officer):
    _save_staff(admin_site, officer, is_active=False)

    officer.refresh_from_db()
    assert not officer.is_active
    event = _only_record(object_type="staff", action="update", object_id=str(officer.pk))
    assert event.fields == ["is_active"]
    assert "Is active: yes → no" in event.detail


def test_saving_without_changes_writes_no_record(admin_site, officer):
    _save_staff(admin_site, officer)
    assert not AuditEvent.objects.filter(object_type="staff").exists()


def test_adding_a_staff_member_is_audited_without_the_password(admin_site, admin_user):
    response = admin_site.post(
        reverse("admin:core_staff_add"),
        {
            "email": "new@council.example",
            "full_name": "New Person",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    new = Staff.objects.get(email="new@council.example")
    event = _only_record(object_type="staff", action="create")
    assert event.object_id == str(new.pk)
    assert "passphrase" not in event.detail
    assert "password" not in event.fields


def test_setting_a_password_in_the_admin_is_audited(admin_site, officer):
    secret = "another long passphrase 77"
    response = admin_site.post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"password1": secret, "password2": secret, "usable_password": "true"},
    )
    assert response.status_code == 302
    event = _only_record(object_type="staff", object_id=str(officer.pk))
    assert event.fields == ["password"]
    assert secret not in event.detail


def test_team_changes_and_deletions_are_audited(admin_site, admin_user):
    spare = TeamFactory(name="Spare", slug="spare")
    response = admin_site.post(
        reverse("admin:core_team_change", args=[spare.pk]),
        {"name": "Spare team", "slug": "spare", "_save": "Save"},
    )
    assert response.status_code == 302
    changed = _only_record(object_type="team", action="update")
    assert "Name: Spare → Spare team" in changed.detail

    superuser = StaffFactory(is_staff=True, is_superuser=True)
    admin_site.force_login(superuser)
    response = admin_site.post(reverse("admin:core_team_delete", args=[spare.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Team.objects.filter(pk=spare.pk).exists()
    deleted = _only_record(object_type="team", action="delete")
    assert deleted.object_id == str(spare.pk) and deleted.actor == superuser


def test_revoking_a_token_in_the_admin_is_audited(admin_site, admin_user):
    token, _ = api_services.issue_token(actor=None, name="Council CRM")
    listing = admin_site.get(reverse("admin:api_apitoken_changelist"))
    assert listing.status_code == 200
    assert "Council CRM" in listing.content.decode()

    response = admin_site.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert not token.is_active
    event = _only_record(object_type="api_token", detail__startswith="Revoked")
    assert event.actor == admin_user
    assert event.object_id == str(token.pk)


def test_tokens_cannot_be_added_edited_or_deleted_in_the_admin(admin_site):
    token, _ = api_services.issue_token(actor=None, name="Council CRM")
    assert admin_site.get(reverse("admin:api_apitoken_add")).status_code == 403
    assert admin_site.post(reverse("admin:api_apitoken_delete", args=[token.pk])).status_code == 403
    view = admin_site.post(
        reverse("admin:api_apitoken_change", args=[token.pk]), {"name": "Renamed"}
    )
    assert view.status_code == 403
    token.refresh_from_db()
    assert token.name == "Council CRM"


def test_officers_cannot_see_tokens_in_the_admin(client, settings):
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(StaffFactory(roles=[roles.OFFICER], is_staff=True))
    assert client.get(reverse("admin:api_apitoken_changelist")).status_code == 403


def test_role_changes_by_a_superuser_are_audited(client, settings):
    settings.OTP_REQUIRED_ROLES = []
    superuser = StaffFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    role = Group.objects.get(name=roles.OFFICER)
    kept = list(role.permissions.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:auth_group_change", args=[role.pk]),
        {"name": role.name, "permissions": kept[1:], "_save": "Save"},
    )
    assert response.status_code == 302
    event = _only_record(object_type="role", action="update")
    assert event.fields == ["permissions"] and "removed" in event.detail
