"""Officer pages for cases and the work queues."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core import undo, work
from doorstep.core.forms import add_service_errors
from doorstep.residents import access as resident_access
from doorstep.residents import services as resident_services

from .. import access, queries, services
from ..forms import NoteForm, OpenCaseForm, ReassignForm, StatusForm, TaskForm

# Enough to scan on one screen; the group counts at the top say how many there are in all.
TASKS_PER_PAGE = 25


def _grouped(tasks, groups: list[queries.DueGroup], today) -> list[tuple[queries.DueGroup, list]]:
    """This page's tasks under their due-week headings, in page order."""
    by_slug = {group.slug: [] for group in groups}
    for task in tasks:
        by_slug[queries.due_group_of(task.due_date, today)].append(task)
    return [(group, by_slug[group.slug]) for group in groups if by_slug[group.slug]]


def _first_pages(groups: list[queries.DueGroup]) -> dict[str, int]:
    """The page each due group starts on, for the links in the counts."""
    pages, before = {}, 0
    for group in groups:
        pages[group.slug] = before // TASKS_PER_PAGE + 1
        before += group.count
    return pages


@permission_required("cases.view_case", raise_exception=True)
def my_work(request):
    today = timezone.localdate()
    groups = queries.my_open_task_groups(request.user, today)
    # A page past the end shows the last page (Paginator.get_page).
    page = Paginator(queries.my_open_tasks(request.user), TASKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    first_pages = _first_pages(groups)
    return render(
        request,
        "cases/officer/my_work.html",
        {
            "page": page,
            "task_count": page.paginator.count,
            "groups": [(group, first_pages[group.slug]) for group in groups if group.count],
            "grouped_tasks": _grouped(page.object_list, groups, today),
            "cases": queries.my_open_cases(request.user)[:200],
            "today": today,
            # Other capabilities' sections, e.g. overdue plan actions (core.work).
            "work_sections": work.sections_for(request),
        },
    )


@permission_required("cases.view_case", raise_exception=True)
def done_tasks(request):
    page = Paginator(queries.my_done_tasks(request.user), TASKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/officer/done_tasks.html", {"page": page})


@permission_required("cases.view_team_work", raise_exception=True)
def team_work(request):
    teams = queries.teams_for_work_queue(request.user)
    if not teams:
        return render(request, "cases/officer/team_work.html", {"teams": [], "team": None})
    team = next((t for t in teams if t.slug == request.GET.get("team")), teams[0])
    cases = Paginator(queries.team_open_cases(team), 50).get_page(request.GET.get("page"))
    rows = [
        (case, ReassignForm(team=team, initial={"owner": case.owner_id}, prefix=f"case-{case.pk}"))
        for case in cases
    ]
    return render(
        request,
        "cases/officer/team_work.html",
        {
            "teams": teams,
            "team": team,
            "page": cases,
            "rows": rows,
            "unassigned_tasks": queries.team_open_tasks(team).filter(assignee=None)[:50],
        },
    )


@permission_required("cases.reassign_work", raise_exception=True)
@require_POST
def reassign(request, pk: int):
    case = access.get_case_for(request.user, pk)
    if not access.can_reassign_case(request.user, case):
        raise PermissionDenied("You can only reassign your own team's work")
    form = ReassignForm(request.POST, team=case.team, prefix=f"case-{case.pk}")
    if form.is_valid():
        try:
            services.reassign_case(
                actor=request.user, case=case, owner=form.cleaned_data["owner"], request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{case.reference} given to {form.cleaned_data['owner'] or 'nobody'}"
            )
    else:
        messages.error(request, "Choose someone in the team")
    return redirect(f"{reverse('cases:team_work')}?team={case.team.slug}")


@permission_required("cases.view_case", raise_exception=True)
def detail(request, pk: int):
    case = access.get_case_for(request.user, pk)
    resident_services.record_view(actor=request.user, resident=case.resident, request=request)
    return render(
        request,
        "cases/officer/detail.html",
        {
            "case": case,
            "tasks": queries.tasks_of(case),
            "notes": queries.recent_notes_of(case),
            "task_form": TaskForm(case=case),
            "status_form": StatusForm(initial={"status": case.status}),
            "note_form": NoteForm(),
        },
    )


@permission_required("cases.add_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def open_case(request, resident_pk: int):
    resident = resident_access.get_resident_for(request.user, resident_pk)
    form = OpenCaseForm(
        request.POST if request.method == "POST" else None,
        teams=access.teams_to_open_cases_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                actor=request.user,
                resident=resident,
                case_type=data["case_type"],
                team=data["team"],
                owner=request.user if queries.is_member(request.user, data["team"]) else None,
                summary=data["summary"],
                due_date=data["due_date"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case {case.reference} opened")
            return redirect(case)
    return render(request, "cases/officer/open_case.html", {"form": form, "resident": resident})


def _case_form_post(request, pk: int, form_class, action, template_key: str, done: str):
    """Run a form posted from the case page: call `action(case, cleaned_data)` (a service),
    then go back to the case saying `done`; a rule error shows the form again on its own page."""
    case = access.get_case_for(request.user, pk)
    form = (
        form_class(request.POST, case=case) if form_class is TaskForm else form_class(request.POST)
    )
    if form.is_valid():
        try:
            action(case, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(case)
    return render(
        request, "cases/officer/case_form.html", {"form": form, "case": case, "title": template_key}
    )


@permission_required("cases.add_task", raise_exception=True)
@require_POST
def add_task(request, pk: int):
    def action(case, data):
        services.add_task(
            actor=request.user,
            case=case,
            title=data["title"],
            due_date=data["due_date"],
            assignee=data["assignee"],
            request=request,
        )

    return _case_form_post(request, pk, TaskForm, action, "Add a task", done="Task added")


@permission_required("cases.change_case", raise_exception=True)
@require_POST
def change_status(request, pk: int):
    def action(case, data):
        services.change_case_status(
            actor=request.user, case=case, status=data["status"], request=request
        )

    return _case_form_post(
        request, pk, StatusForm, action, "Change the status", done="Status changed"
    )


@permission_required("cases.add_casenote", raise_exception=True)
@require_POST
def add_note(request, pk: int):
    def action(case, data):
        services.add_case_note(actor=request.user, case=case, body=data["body"], request=request)

    return _case_form_post(request, pk, NoteForm, action, "Add a note", done="Note added")


def _next_address(request, default: str) -> str:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return default
    return target


@permission_required("cases.change_task", raise_exception=True)
@require_POST
def complete_task(request, pk: int):
    task = access.get_task_for(request.user, pk)
    target = _next_address(request, task.case.get_absolute_url())
    done = services.complete_task(actor=request.user, task=task, request=request)
    change_id = getattr(done, "done_change_id", None)
    if change_id is None:
        messages.info(request, f"“{done.title}” was already done")
    else:
        undo.offer(
            request,
            heading=f"Task marked as done: {done.title}",
            action=reverse("cases:reopen_task", args=[task.pk]),
            fields={"undoing": str(change_id), "next": target},
        )
    return redirect(target)


@permission_required("cases.change_task", raise_exception=True)
@require_POST
def reopen_task(request, pk: int):
    """Put a done task back: the "Undo" after marking it done, or "Reopen" from done tasks."""
    task = access.get_task_for(request.user, pk)
    undoing = request.POST.get("undoing", "")
    try:
        if undoing and not undoing.isdigit():
            raise ValidationError("This change cannot be undone")
        services.reopen_task(
            actor=request.user,
            task=task,
            undoing=int(undoing) if undoing else None,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Task reopened: {task.title}")
    return redirect(_next_address(request, reverse("cases:my_work")))
