import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from doorstep.cases import services
from doorstep.cases.models import Case, Task
from doorstep.core import roles
from doorstep.core.models import AuditEvent, TimelineEvent

from ..dates import date_parts
from ..factories import (
    CaseFactory,
    CaseTypeFactory,
    ResidentFactory,
    StaffFactory,
    TaskFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def test_opening_cases_numbers_them_per_type(officer, team):
    resident = ResidentFactory()
    housing = CaseTypeFactory(name="Housing register", reference_prefix="HR")
    benefits = CaseTypeFactory(name="Benefits", reference_prefix="BN")
    first = services.open_case(
        actor=officer, resident=resident, case_type=housing, team=team, owner=officer
    )
    second = services.open_case(actor=officer, resident=resident, case_type=housing, team=team)
    other = services.open_case(actor=officer, resident=resident, case_type=benefits, team=team)
    assert [first.reference, second.reference, other.reference] == [
        "HR-000001",
        "HR-000002",
        "BN-000001",
    ]
    assert TimelineEvent.objects.filter(resident_id=resident.pk, kind="case").count() == 3
    assert AuditEvent.objects.filter(object_type="case", action="create").count() == 3


def test_a_case_owner_must_be_in_the_team(officer):
    other_team = TeamFactory(name="Benefits", slug="benefits")
    with pytest.raises(ValidationError, match="member of the case's team"):
        services.open_case(
            actor=officer,
            resident=ResidentFactory(),
            case_type=CaseTypeFactory(),
            team=other_team,
            owner=officer,
        )
    assert Case.objects.count() == 0


def test_closing_a_case_records_when(officer, team):
    case = CaseFactory(team=team)
    services.change_case_status(actor=officer, case=case, status="closed")
    case.refresh_from_db()
    assert case.closed_at is not None and not case.is_open
    with pytest.raises(ValidationError):
        services.change_case_status(actor=officer, case=case, status="lost")


def test_only_team_leaders_reassign(officer, team_leader, team):
    colleague = StaffFactory(roles=[roles.OFFICER], teams=[team])
    outsider = StaffFactory(
        roles=[roles.OFFICER], teams=[TeamFactory(name="Benefits", slug="benefits")]
    )
    case = CaseFactory(team=team, owner=officer)
    with pytest.raises(PermissionDenied):
        services.reassign_case(actor=officer, case=case, owner=colleague)
    with pytest.raises(ValidationError, match="not a member"):
        services.reassign_case(actor=team_leader, case=case, owner=outsider)
    services.reassign_case(actor=team_leader, case=case, owner=colleague)
    case.refresh_from_db()
    assert case.owner == colleague


def test_tasks_need_a_title_and_completing_twice_is_harmless(officer, team):
    case = CaseFactory(team=team)
    with pytest.raises(ValidationError):
        services.add_task(actor=officer, case=case, title=" ")
    task = services.add_task(actor=officer, case=case, title="Check ID", assignee=officer)
    services.complete_task(actor=officer, task=task)
    services.complete_task(actor=officer, task=task)
    task.refresh_from_db()
    assert task.is_done and task.done_by == officer
    assert TimelineEvent.objects.filter(summary="Task done: Check ID").count() == 1


def test_my_work_lists_my_open_tasks_and_cases_by_due_date(officer_client, officer, team):
    today = datetime.date.today()
    case = CaseFactory(team=team, owner=officer, reference="HR-000777")
    TaskFactory(
        case=case, title="Later task", assignee=officer, due_date=today + datetime.timedelta(days=5)
    )
    TaskFactory(
        case=case,
        title="Overdue task",
        assignee=officer,
        due_date=today - datetime.timedelta(days=2),
    )
    TaskFactory(case=case, title="Someone else's", assignee=StaffFactory(teams=[team]))
    TaskFactory(case=case, title="Finished", assignee=officer, is_done=True)
    page = officer_client.get(reverse("cases:my_work")).content.decode()
    assert page.index("Overdue task") < page.index("Later task")
    assert "Someone else&#x27;s" not in page and "Finished" not in page
    assert "HR-000777" in page and "Overdue" in page


def test_team_work_is_for_team_leaders(client, officer, team_leader, team):
    CaseFactory(team=team, reference="HR-000555")
    client.force_login(officer)
    assert client.get(reverse("cases:team_work")).status_code == 403
    client.force_login(team_leader)
    page = client.get(reverse("cases:team_work")).content.decode()
    assert "HR-000555" in page and "Reassign" in page


def test_reassigning_from_the_team_page(client, team_leader, officer, team):
    case = CaseFactory(team=team)
    client.force_login(team_leader)
    response = client.post(
        reverse("cases:reassign", args=[case.pk]), {f"case-{case.pk}-owner": officer.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == officer


def test_a_team_leader_cannot_reassign_another_teams_case(client, team_leader):
    case = CaseFactory(team=TeamFactory(name="Benefits", slug="benefits"))
    client.force_login(team_leader)
    assert client.post(reverse("cases:reassign", args=[case.pk]), {}).status_code == 403


def test_case_page_forms_show_errors(officer_client, team):
    case = CaseFactory(team=team)
    response = officer_client.post(
        reverse("cases:add_task", args=[case.pk]),
        {"title": "", **date_parts("due_date", "31 2 2026")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter what needs doing" in page
    assert '<a href="#id_due_date_day">Due date must be a real date</a>' in page
    assert 'value="31"' in page
    assert Task.objects.count() == 0


def test_adding_a_task_with_a_due_date(officer_client, team):
    case = CaseFactory(team=team)
    form_page = officer_client.get(case.get_absolute_url()).content.decode()
    assert 'type="date"' not in form_page and 'name="due_date_day"' in form_page
    response = officer_client.post(
        reverse("cases:add_task", args=[case.pk]),
        {"title": "Ring the landlord", **date_parts("due_date", "27 3 2026")},
    )
    assert response.status_code == 302
    assert Task.objects.get().due_date == datetime.date(2026, 3, 27)


def test_a_task_due_date_without_a_month_is_explained(officer_client, team):
    case = CaseFactory(team=team)
    response = officer_client.post(
        reverse("cases:add_task", args=[case.pk]),
        {"title": "Ring the landlord", **date_parts("due_date", "27  2026")},
    )
    assert '<a href="#id_due_date_month">Due date must include a month</a>' in (
        response.content.decode()
    )
    assert Task.objects.count() == 0


def test_opening_a_case_from_the_resident_page(officer_client, officer, team):
    resident = ResidentFactory()
    case_type = CaseTypeFactory()
    response = officer_client.post(
        reverse("cases:open", args=[resident.pk]),
        {
            "case_type": case_type.pk,
            "team": team.pk,
            "summary": "Needs a home",
            **date_parts("due_date", "1 Apr 2026"),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.owner == officer
    assert case.due_date == datetime.date(2026, 4, 1)
    missing = officer_client.post(reverse("cases:open", args=[resident.pk]), {})
    assert "Choose the type of case" in missing.content.decode()


def test_completing_a_task_ignores_an_outside_next_address(officer_client, officer, team):
    task = TaskFactory(case=CaseFactory(team=team), assignee=officer)
    response = officer_client.post(
        reverse("cases:complete_task", args=[task.pk]), {"next": "//evil.example/"}
    )
    assert response.url == task.case.get_absolute_url()


def test_digital_friends_see_no_cases(client, digital_friend, team):
    case = CaseFactory(team=team)
    client.force_login(digital_friend)
    for url in [reverse("cases:my_work"), reverse("cases:detail", args=[case.pk])]:
        assert client.get(url).status_code == 403


def test_case_status_is_chosen_with_radios(officer_client, team):
    case = CaseFactory(team=team, status="waiting")
    page = officer_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="id_status_2" name="status" type="radio" value="waiting" checked' in page
    assert (
        '<label class="govuk-label govuk-radios__label" for="id_status_2">Waiting for resident</label>'
        in page
    )
    response = officer_client.post(reverse("cases:change_status", args=[case.pk]), {})
    assert 'href="#id_status_1"' in response.content.decode()


def test_an_impossible_case_due_date_opens_no_case(officer_client, team):
    resident = ResidentFactory()
    response = officer_client.post(
        reverse("cases:open", args=[resident.pk]),
        {
            "case_type": CaseTypeFactory().pk,
            "team": team.pk,
            **date_parts("due_date", "31 4 2026"),
        },
    )
    assert response.status_code == 200
    assert '<a href="#id_due_date_day">Due date must be a real date</a>' in (
        response.content.decode()
    )
    assert not Case.objects.exists()
