"""Who may see or change a case or a task.

Today every role that may view cases sees every case; each change needs its own permission.
A case links its team (and owner) to the resident, and that link opens need-to-know details
elsewhere (vulnerability assessments), so an officer opens cases only for their own teams; team
leaders and administrators, who route work between teams, may open one for any team.
Reassigning needs `reassign_work` (team leaders and administrators), and a case is reassigned
only within the actor's own teams unless they manage staff. Views, the API and tasks ask here.
"""

from django.http import Http404

from doorstep.core.models import Team

from .models import Case, Task


def _has(actor, permission: str) -> bool:
    return bool(getattr(actor, "has_perm", None)) and actor.has_perm(permission)


def can_view_case(actor, case: Case | None = None) -> bool:
    return _has(actor, "cases.view_case")


def can_open_case(actor, resident=None) -> bool:
    return _has(actor, "cases.add_case") and (resident is None or resident.merged_into_id is None)


def _opens_for_any_team(actor) -> bool:
    return _has(actor, "cases.reassign_work") or _has(actor, "core.manage_staff")


def can_open_case_for_team(actor, team: Team, resident=None) -> bool:
    """Open a case worked by this team: officers for their own teams only."""
    if not can_open_case(actor, resident):
        return False
    return _opens_for_any_team(actor) or actor.teams.filter(pk=team.pk).exists()


def teams_to_open_cases_for(actor):
    """The teams the actor may choose when opening a case."""
    if not can_open_case(actor):
        return Team.objects.none()
    if _opens_for_any_team(actor):
        return Team.objects.all()
    return Team.objects.filter(pk__in=actor.teams.values("pk"))


def can_change_case(actor, case: Case) -> bool:
    """Change the case's status."""
    return _has(actor, "cases.change_case")


def can_add_task(actor, case: Case) -> bool:
    return _has(actor, "cases.add_task")


def can_add_case_note(actor, case: Case) -> bool:
    return _has(actor, "cases.add_casenote")


def can_complete_task(actor, task: Task) -> bool:
    return _has(actor, "cases.change_task")


def can_view_team_work(actor) -> bool:
    return _has(actor, "cases.view_team_work")


def can_reassign_work(actor) -> bool:
    return _has(actor, "cases.reassign_work")


def can_reassign_case(actor, case: Case) -> bool:
    """Team leaders give their own teams' cases to others; administrators any team's."""
    return can_reassign_work(actor) and (
        actor.teams.filter(pk=case.team_id).exists() or actor.has_perm("core.manage_staff")
    )


def can_reassign_task(actor, task: Task) -> bool:
    return can_reassign_work(actor)


def get_case_for(actor, pk: int) -> Case:
    """The case with its resident, type, team and owner; Http404 if the actor may not see it."""
    case = (
        Case.objects.select_related("resident", "case_type", "team", "owner").filter(pk=pk).first()
    )
    if case is None or not can_view_case(actor, case):
        raise Http404("No such case")
    return case


def get_task_for(actor, pk: int) -> Task:
    task = Task.objects.select_related("case").filter(pk=pk).first()
    if task is None or not can_view_case(actor, task.case):
        raise Http404("No such task")
    return task
