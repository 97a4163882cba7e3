"""A case links its team to the resident, and that link opens need-to-know details elsewhere,
so an officer opens cases only for their own teams; team leaders and administrators for any."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from doorstep.cases import access, services
from doorstep.cases.models import Case
from doorstep.core import roles
from doorstep.core.models import AuditEvent
from doorstep.vulnerability import access as vulnerability_access

from ..factories import CaseTypeFactory, ResidentFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Benefits", slug="benefits")


@pytest.fixture
def other_officer(other_team):
    return StaffFactory(email="benefits@council.example", roles=[roles.OFFICER], teams=[other_team])


def test_an_officer_cannot_open_a_case_for_another_team(officer, other_team, other_officer):
    resident = ResidentFactory()
    assert not access.can_open_case_for_team(officer, other_team, resident)
    with pytest.raises(PermissionDenied):
        services.open_case(
            actor=officer, resident=resident, case_type=CaseTypeFactory(), team=other_team
        )
    assert Case.objects.count() == 0
    for staff in (officer, other_officer):
        assert not vulnerability_access.can_see_details(staff, resident)


def test_the_open_case_page_offers_and_accepts_only_the_officers_teams(
    officer_client, officer, team, other_team, other_officer
):
    resident = ResidentFactory()
    url = reverse("cases:open", args=[resident.pk])
    page = officer_client.get(url).content.decode()
    assert team.name in page and other_team.name not in page
    response = officer_client.post(
        url, {"case_type": CaseTypeFactory().pk, "team": other_team.pk, "summary": "x"}
    )
    assert response.status_code == 200 and Case.objects.count() == 0
    assert not vulnerability_access.can_see_details(other_officer, resident)


@pytest.mark.parametrize("role", ["team_leader", "administrator"])
def test_team_leaders_and_administrators_open_cases_for_any_team(
    request, role, other_team, other_officer
):
    actor = request.getfixturevalue(role)
    resident = ResidentFactory()
    assert list(access.teams_to_open_cases_for(actor)) == list(
        access.teams_to_open_cases_for(actor).model.objects.all()
    )
    case = services.open_case(
        actor=actor, resident=resident, case_type=CaseTypeFactory(), team=other_team
    )
    assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).exists()
    assert vulnerability_access.can_see_details(other_officer, resident)


def test_a_digital_friend_may_choose_no_team(digital_friend, team):
    assert not access.teams_to_open_cases_for(digital_friend).exists()
    assert not access.can_open_case_for_team(digital_friend, team)
