"""Reads for cases, tasks and the work queues."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, QuerySet

from doorstep.core.models import Team
from doorstep.core.validators import looks_like_postcode

from .models import Case, CaseNote, Task

CASE_REFERENCE_RE = re.compile(r"^[A-Z]{1,4}-?\d{1,10}$", re.IGNORECASE)


def open_cases_for_resident(resident_id: int) -> list[Case]:
    return list(
        Case.objects.filter(resident_id=resident_id, status__in=Case.OPEN_STATUSES)
        .select_related("case_type", "owner", "team")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def open_tasks_for_resident(resident_id: int) -> list[Task]:
    return list(
        Task.objects.filter(case__resident_id=resident_id, is_done=False)
        .select_related("case", "assignee")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def looks_like_case_reference(text: str) -> bool:
    """Whether a search (spaces removed) is a case reference like HOU-000123 and not a postcode."""
    return bool(CASE_REFERENCE_RE.match(text)) and not looks_like_postcode(text)


def resident_ids_for_case_reference(reference: str) -> list[int]:
    return list(
        Case.objects.filter(reference__iexact=reference.strip()).values_list(
            "resident_id", flat=True
        )
    )


def my_open_tasks(user) -> QuerySet[Task]:
    return (
        Task.objects.filter(assignee=user, is_done=False)
        .select_related("case__resident", "case__case_type")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


@dataclass(frozen=True)
class DueGroup:
    """Tasks due in one span of weeks (weeks start on Monday)."""

    slug: str
    heading: str
    count: int = 0


DUE_GROUPS = [
    ("overdue", "Overdue"),
    ("this_week", "This week"),
    ("next_week", "Next week"),
    ("later", "Later"),
    ("no_date", "No due date"),
]


def _week_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of next week and of the week after, weeks starting on Monday."""
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    return next_monday, next_monday + datetime.timedelta(days=7)


def _due_group_filters(today: datetime.date) -> dict[str, Q]:
    next_monday, monday_after = _week_bounds(today)
    return {
        "overdue": Q(due_date__lt=today),
        "this_week": Q(due_date__gte=today, due_date__lt=next_monday),
        "next_week": Q(due_date__gte=next_monday, due_date__lt=monday_after),
        "later": Q(due_date__gte=monday_after),
        "no_date": Q(due_date__isnull=True),
    }


def due_group_of(due_date: datetime.date | None, today: datetime.date) -> str:
    """The slug of the due group a task falls in."""
    next_monday, monday_after = _week_bounds(today)
    if due_date is None:
        return "no_date"
    if due_date < today:
        return "overdue"
    if due_date < next_monday:
        return "this_week"
    if due_date < monday_after:
        return "next_week"
    return "later"


def my_open_task_groups(user, today: datetime.date) -> list[DueGroup]:
    """How many of the member of staff's open tasks fall in each due group, in page order."""
    counts = Task.objects.filter(assignee=user, is_done=False).aggregate(
        **{slug: Count("id", filter=q) for slug, q in _due_group_filters(today).items()}
    )
    return [DueGroup(slug, heading, counts[slug]) for slug, heading in DUE_GROUPS]


def my_done_tasks(user) -> QuerySet[Task]:
    """Tasks the member of staff marked as done or that were theirs, most recently done first."""
    return (
        Task.objects.filter(Q(done_by=user) | Q(assignee=user), is_done=True)
        .select_related("case__resident", "done_by")
        .order_by(F("done_at").desc(nulls_last=True), "-id")
    )


def my_open_cases(user) -> QuerySet[Case]:
    return (
        Case.objects.filter(owner=user, status__in=Case.OPEN_STATUSES)
        .select_related("resident", "case_type", "team")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def team_open_cases(team) -> QuerySet[Case]:
    return (
        Case.objects.filter(team=team, status__in=Case.OPEN_STATUSES)
        .select_related("resident", "case_type", "owner")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def team_open_tasks(team) -> QuerySet[Task]:
    return (
        Task.objects.filter(case__team=team, is_done=False)
        .select_related("case__resident", "assignee")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def staff_has_case_link(staff, resident_id: int) -> bool:
    """Whether the member of staff owns a case of the resident (open or closed) or is in the
    team of one. Used by capabilities that show sensitive details only to linked staff."""
    return (
        Case.objects.filter(resident_id=resident_id)
        .filter(Q(owner=staff) | Q(team__in=staff.teams.all()))
        .exists()
    )


def tasks_of(case: Case) -> QuerySet[Task]:
    return case.tasks.select_related("assignee")


def recent_notes_of(case: Case, count: int = 50) -> QuerySet[CaseNote]:
    return case.notes.select_related("author")[:count]


def is_member(staff, team: Team) -> bool:
    return staff.teams.filter(pk=team.pk).exists()


def teams_for_work_queue(staff) -> list[Team]:
    """The member of staff's teams, or the first team for someone in none (an administrator)."""
    return list(staff.teams.all()) or list(Team.objects.all()[:1])


# --- Work queues now, for management information -------------------------------------------


def _open_work(team_id: int | None) -> QuerySet[Task]:
    """Tasks not done on open cases, in one team or all."""
    tasks = Task.objects.filter(is_done=False, case__status__in=Case.OPEN_STATUSES)
    if team_id is not None:
        tasks = tasks.filter(case__team_id=team_id)
    return tasks


def open_task_count(*, team_id: int | None = None) -> int:
    return _open_work(team_id).count()


def oldest_open_task_created(*, team_id: int | None = None):
    """When the oldest open task was created, or None when there is none."""
    return _open_work(team_id).aggregate(oldest=Min("created_at"))["oldest"]


def open_tasks_created_by_team(*, team_id: int | None = None) -> list[tuple[str, int, list]]:
    """(team name, open tasks, when each was created) for each team with open tasks, by name."""
    teams = (
        _open_work(team_id)
        .values("case__team_id", team_name=F("case__team__name"))
        .annotate(n=Count("id"))
        .order_by("team_name")
    )
    return [
        (
            team["team_name"],
            team["n"],
            list(
                _open_work(team_id)
                .filter(case__team_id=team["case__team_id"])
                .values_list("created_at", flat=True)
            ),
        )
        for team in teams
    ]
