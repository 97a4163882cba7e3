"""My work: open tasks grouped by due week and split into pages; "Done" can be undone."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from doorstep.cases import queries, services
from doorstep.cases.models import Task
from doorstep.cases.views.officer import TASKS_PER_PAGE
from doorstep.core.models import AuditEvent, TimelineEvent

from ..factories import CaseFactory, StaffFactory, TaskFactory

pytestmark = pytest.mark.django_db

MY_WORK = reverse("cases:my_work")


def _rows(page: str) -> int:
    """How many tasks the page lists (each has its Done button)."""
    return page.count(">Done<span")


def test_due_groups_follow_weeks_starting_on_monday():
    wednesday = datetime.date(2026, 3, 4)
    day = datetime.timedelta(days=1)
    assert queries.due_group_of(wednesday - day, wednesday) == "overdue"
    assert queries.due_group_of(wednesday, wednesday) == "this_week"
    assert queries.due_group_of(datetime.date(2026, 3, 8), wednesday) == "this_week"  # Sunday
    assert queries.due_group_of(datetime.date(2026, 3, 9), wednesday) == "next_week"
    assert queries.due_group_of(datetime.date(2026, 3, 15), wednesday) == "next_week"
    assert queries.due_group_of(datetime.date(2026, 3, 16), wednesday) == "later"
    assert queries.due_group_of(None, wednesday) == "no_date"


def test_my_tasks_are_grouped_by_due_week(officer_client, officer, team):
    today = timezone.localdate()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    case = CaseFactory(team=team, owner=officer)
    for title, due in [
        ("Ring the landlord", None),
        ("Book the viewing", next_monday + datetime.timedelta(days=8)),
        ("Send the form", next_monday),
        ("Check the payslip", today),
        ("Chase the reference", today - datetime.timedelta(days=1)),
    ]:
        TaskFactory(case=case, title=title, assignee=officer, due_date=due)
    page = officer_client.get(MY_WORK).content.decode()
    order = [
        "Overdue (1)",
        "Chase the reference",
        "This week (1)",
        "Check the payslip",
        "Next week (1)",
        "Send the form",
        "Later (1)",
        "Book the viewing",
        "No due date (1)",
        "Ring the landlord",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert "My open tasks (5)" in page


def test_my_tasks_come_a_page_at_a_time_with_the_counts_on_every_page(
    officer_client, officer, team
):
    today = timezone.localdate()
    case = CaseFactory(team=team, owner=officer)
    overdue = today - datetime.timedelta(days=3)
    for number in range(TASKS_PER_PAGE + 5):
        TaskFactory(case=case, title=f"Job {number:02d}", assignee=officer, due_date=overdue)
    TaskFactory(case=case, title="Undated job", assignee=officer, due_date=None)

    first = officer_client.get(MY_WORK).content.decode()
    assert _rows(first) == TASKS_PER_PAGE
    assert "Job 00" in first and "Undated job" not in first
    assert 'class="govuk-pagination"' in first and "1 of 2" in first

    second = officer_client.get(MY_WORK, {"page": 2}).content.decode()
    assert _rows(second) == 6
    assert "Job 29" in second and "Undated job" in second and "Job 00" not in second
    # The counts are of all the tasks, not just this page's.
    assert "My open tasks (31)" in second and "Overdue (30)" in second
    assert 'href="?page=2#due-no_date"' in second

    beyond = officer_client.get(MY_WORK, {"page": 99})
    assert beyond.status_code == 200
    assert "2 of 2" in beyond.content.decode() and "Undated job" in beyond.content.decode()


def _done_from_my_work(client, task) -> str:
    """Press Done on My work and return the page it goes back to."""
    response = client.post(
        reverse("cases:complete_task", args=[task.pk]), {"next": f"{MY_WORK}?page=1"}
    )
    assert response.status_code == 302 and response.url == f"{MY_WORK}?page=1"
    return client.get(response.url).content.decode()


def _undo_form(page: str) -> dict:
    form = re.search(r'<form method="post" action="([^"]+/reopen/)"[^>]*>(.*?)</form>', page, re.S)
    assert form, "no Undo form"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form[2]))
    fields.pop("csrfmiddlewaretoken", None)
    return {"action": form[1], "fields": fields, "html": form[2]}


def test_done_can_be_undone_from_the_banner(officer_client, officer, team):
    task = TaskFactory(case=CaseFactory(team=team), title="Check ID", assignee=officer)
    page = _done_from_my_work(officer_client, task)
    assert "govuk-notification-banner--success" in page
    assert "Task marked as done: Check ID" in page
    undo = _undo_form(page)
    assert ">Undo<" in undo["html"]
    task.refresh_from_db()
    assert task.is_done

    response = officer_client.post(undo["action"], undo["fields"])
    assert response.status_code == 302 and response.url == f"{MY_WORK}?page=1"
    task.refresh_from_db()
    assert not task.is_done and task.done_at is None and task.done_by is None
    after = officer_client.get(response.url).content.decode()
    assert "Task reopened: Check ID" in after and "Task marked as done" not in after
    assert "Check ID" in after.split("My open tasks")[1]


def test_the_undo_banner_shows_once(officer_client, officer, team):
    task = TaskFactory(case=CaseFactory(team=team), title="Check ID", assignee=officer)
    _done_from_my_work(officer_client, task)
    assert "Task marked as done" not in officer_client.get(MY_WORK).content.decode()


def test_undoing_is_audited_and_on_the_timeline(officer, team):
    task = TaskFactory(case=CaseFactory(team=team), title="Check ID", assignee=officer)
    done = services.complete_task(actor=officer, task=task)
    services.reopen_task(actor=officer, task=task, undoing=done.done_change_id)
    undo = AuditEvent.objects.filter(object_type="task", object_id=str(task.pk)).first()
    assert undo.action == "update" and undo.fields == ["is_done"] and undo.actor == officer
    assert undo.detail == "Undo of marking it done"
    events = TimelineEvent.objects.filter(resident_id=task.case.resident_id, kind="task")
    assert list(events.order_by("id").values_list("summary", flat=True)) == [
        "Task done: Check ID",
        "Task reopened: Check ID",
    ]


def test_only_staff_who_may_mark_tasks_done_may_undo(client, officer, digital_friend, team):
    task = TaskFactory(case=CaseFactory(team=team), title="Check ID", assignee=officer)
    done = services.complete_task(actor=officer, task=task)
    reader = StaffFactory(teams=[team])
    reader.user_permissions.add(Permission.objects.get(codename="view_case"))
    with pytest.raises(PermissionDenied):
        services.reopen_task(actor=reader, task=task, undoing=done.done_change_id)
    for visitor in (reader, digital_friend):
        client.force_login(visitor)
        response = client.post(
            reverse("cases:reopen_task", args=[task.pk]), {"undoing": done.done_change_id}
        )
        assert response.status_code == 403
    task.refresh_from_db()
    assert task.is_done


def test_undo_is_refused_once_someone_else_changed_the_task(
    officer_client, officer, team_leader, team
):
    task = TaskFactory(case=CaseFactory(team=team), title="Check ID", assignee=officer)
    undo = _undo_form(_done_from_my_work(officer_client, task))
    services.reassign_task(actor=team_leader, task=task, assignee=None)

    response = officer_client.post(undo["action"], undo["fields"], follow=True)
    page = response.content.decode()
    assert f"{team_leader.full_name} changed “Check ID” after it was marked as done" in page
    assert "govuk-notification-banner--success" not in page
    task.refresh_from_db()
    assert task.is_done
    assert not TimelineEvent.objects.filter(summary="Task reopened: Check ID").exists()


def test_undo_is_refused_when_the_task_was_reopened_and_done_again(officer, team_leader, team):
    task = TaskFactory(case=CaseFactory(team=team), title="Check ID", assignee=officer)
    first = services.complete_task(actor=officer, task=task)
    services.reopen_task(actor=team_leader, task=task)
    services.complete_task(actor=team_leader, task=task)
    with pytest.raises(ValidationError, match="changed “Check ID” after it was marked as done"):
        services.reopen_task(actor=officer, task=task, undoing=first.done_change_id)
    task.refresh_from_db()
    assert task.is_done and task.done_by == team_leader


def test_an_undo_naming_another_change_is_refused(officer, team):
    task = TaskFactory(case=CaseFactory(team=team), assignee=officer)
    other = services.complete_task(actor=officer, task=TaskFactory(case=task.case))
    services.complete_task(actor=officer, task=task)
    with pytest.raises(ValidationError, match="cannot be undone"):
        services.reopen_task(actor=officer, task=task, undoing=other.done_change_id)


def test_done_tasks_can_be_reopened_later(officer_client, officer, team):
    case = CaseFactory(team=team)
    task = TaskFactory(case=case, title="Check ID", assignee=officer)
    services.complete_task(actor=officer, task=task)
    TaskFactory(case=case, title="Still open", assignee=officer)
    page = officer_client.get(MY_WORK).content.decode()
    assert reverse("cases:done_tasks") in page
    done_page = officer_client.get(reverse("cases:done_tasks")).content.decode()
    assert "Check ID" in done_page and "Still open" not in done_page
    assert "Done tasks (1)" in done_page
    response = officer_client.post(
        reverse("cases:reopen_task", args=[task.pk]), {"next": reverse("cases:done_tasks")}
    )
    assert response.url == reverse("cases:done_tasks")
    task.refresh_from_db()
    assert not task.is_done
    again = officer_client.post(reverse("cases:reopen_task", args=[task.pk]), follow=True)
    assert "is not done, so there is nothing to reopen" in again.content.decode()
    assert Task.objects.filter(is_done=False).count() == 2
