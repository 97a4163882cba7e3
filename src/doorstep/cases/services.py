"""Every change to cases and tasks: validated, atomic, audited and put on the resident's timeline."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit
from doorstep.core.changes import Recorded, Timeline, record_change
from doorstep.core.models import Staff, Team
from doorstep.residents.models import Resident

from . import access
from .models import Case, CaseNote, CaseType, Task

_OBJECT_TYPES = {Case: "case", Task: "task", CaseNote: "case_note"}


def _record(
    *,
    actor,
    action: str,
    thing: Case | Task | CaseNote,
    case: Case,
    fields: list[str],
    request: HttpRequest | None,
    summary: str,
    kind: str = "case",
    detail: str = "",
    body: str = "",
) -> Recorded:
    """The audit record and the timeline event (linked to the case's page) of one change."""
    return record_change(
        actor=actor,
        action=action,
        object_type=_OBJECT_TYPES[type(thing)],
        object_id=thing.pk,
        resident_id=case.resident_id,
        fields=fields,
        summary=detail,
        request=request,
        timeline_event=Timeline(
            kind=kind, summary=summary, body=body, source=thing, url=case.get_absolute_url()
        ),
    )


def _next_reference(case_type: CaseType) -> str:
    prefix = f"{case_type.reference_prefix}-"
    last = (
        Case.objects.select_for_update()
        .filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:06d}"


@transaction.atomic
def open_case(
    *,
    actor,
    resident: Resident,
    case_type: CaseType,
    team: Team,
    owner: Staff | None = None,
    summary: str = "",
    due_date: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Case:
    if owner is not None and not owner.teams.filter(pk=team.pk).exists():
        raise ValidationError({"owner": ["The owner must be a member of the case's team"]})
    if not access.can_open_case_for_team(actor, team, resident):
        raise PermissionDenied("Officers open cases only for their own teams")
    case = Case.objects.create(
        resident=resident,
        case_type=case_type,
        team=team,
        owner=owner,
        summary=summary.strip(),
        due_date=due_date,
        reference=_next_reference(case_type),
    )
    _record(
        actor=actor,
        action="create",
        thing=case,
        case=case,
        fields=["case_type", "team", "owner", "summary", "due_date"],
        request=request,
        summary=f"{case_type.name} case {case.reference} opened",
        body=case.summary,
    )
    return case


@transaction.atomic
def change_case_status(
    *, actor, case: Case, status: str, request: HttpRequest | None = None
) -> Case:
    if status not in Case.Status.values:
        raise ValidationError({"status": ["Choose a status"]})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == status:
        return case
    old = case.get_status_display()
    case.status = status
    case.closed_at = timezone.now() if status == Case.Status.CLOSED else None
    case.save(update_fields=["status", "closed_at"])
    _record(
        actor=actor,
        action="update",
        thing=case,
        case=case,
        fields=["status"],
        request=request,
        detail=f"{old} to {case.get_status_display()}",
        summary=f"Case {case.reference}: {old} to {case.get_status_display()}",
    )
    return case


@transaction.atomic
def reassign_case(
    *, actor, case: Case, owner: Staff | None, request: HttpRequest | None = None
) -> Case:
    """Give a case to another member of its team (team leaders and administrators)."""
    if not access.can_reassign_work(actor):
        raise PermissionDenied("Only team leaders can reassign work")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if owner is not None and not owner.teams.filter(pk=case.team_id).exists():
        raise ValidationError({"owner": [f"{owner} is not a member of {case.team}"]})
    case.owner = owner
    case.save(update_fields=["owner"])
    _record(
        actor=actor,
        action="update",
        thing=case,
        case=case,
        fields=["owner"],
        request=request,
        summary=f"Case {case.reference} given to {owner or 'nobody'}",
    )
    return case


@transaction.atomic
def add_task(
    *,
    actor,
    case: Case,
    title: str,
    due_date: datetime.date | None = None,
    assignee: Staff | None = None,
    request: HttpRequest | None = None,
) -> Task:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["Enter what needs doing"]})
    task = Task.objects.create(case=case, title=title, due_date=due_date, assignee=assignee)
    _record(
        actor=actor,
        action="create",
        thing=task,
        case=case,
        fields=["title", "due_date", "assignee"],
        request=request,
        kind="task",
        summary=f"Task added to {case.reference}: {title}",
    )
    return task


@transaction.atomic
def complete_task(*, actor, task: Task, request: HttpRequest | None = None) -> Task:
    task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    if task.is_done:
        return task
    task.is_done, task.done_at, task.done_by = True, timezone.now(), actor
    task.save(update_fields=["is_done", "done_at", "done_by"])
    recorded = _record_done_change(actor, task, request, summary=f"Task done: {task.title}")
    # The audit record of this change: an "Undo" names it, so it is refused once the task
    # changes again (reopen_task).
    task.done_change_id = recorded.audit.pk
    return task


def _refuse_if_changed_since(*, actor, task: Task, change_id: int) -> None:
    done = audit.change_record(pk=change_id, object_type="task", object_id=task.pk)
    if done is None or "is_done" not in done.fields:
        raise ValidationError("This change cannot be undone")
    later = audit.changes_after(done)
    if later:
        who = later[-1].actor
        name = "You" if who == actor else (who.full_name if who else later[-1].actor_label)
        raise ValidationError(
            f"{name} changed “{task.title}” after it was marked as done, so it has not been "
            "put back. Check the task on its case before changing it."
        )


@transaction.atomic
def reopen_task(
    *, actor, task: Task, undoing: int | None = None, request: HttpRequest | None = None
) -> Task:
    """Put a done task back as it was before: not done, with nobody having done it.

    From the "Undo" just after marking it done, `undoing` is the audit record of that change and
    the undo is refused if the task has changed since; from the list of done tasks it is None.
    """
    if not access.can_complete_task(actor, task):
        raise PermissionDenied("You cannot change this task")
    task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    if undoing is not None:
        _refuse_if_changed_since(actor=actor, task=task, change_id=undoing)
    if not task.is_done:
        raise ValidationError(f"“{task.title}” is not done, so there is nothing to reopen")
    task.is_done, task.done_at, task.done_by = False, None, None
    task.save(update_fields=["is_done", "done_at", "done_by"])
    _record_done_change(
        actor,
        task,
        request,
        summary=f"Task reopened: {task.title}",
        detail="Undo of marking it done" if undoing is not None else "Reopened",
    )
    return task


def _record_done_change(actor, task: Task, request, *, summary: str, detail: str = ""):
    """Audit and timeline for a task marked done or put back."""
    return _record(
        actor=actor,
        action="update",
        thing=task,
        case=task.case,
        fields=["is_done"],
        request=request,
        kind="task",
        summary=summary,
        detail=detail,
    )


@transaction.atomic
def reassign_task(
    *, actor, task: Task, assignee: Staff | None, request: HttpRequest | None = None
) -> Task:
    if not access.can_reassign_work(actor):
        raise PermissionDenied("Only team leaders can reassign work")
    task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    if assignee is not None and not assignee.teams.filter(pk=task.case.team_id).exists():
        raise ValidationError({"assignee": [f"{assignee} is not a member of {task.case.team}"]})
    task.assignee = assignee
    task.save(update_fields=["assignee"])
    audit.record(
        actor=actor,
        action="update",
        object_type="task",
        object_id=task.pk,
        resident_id=task.case.resident_id,
        fields=["assignee"],
        request=request,
    )
    return task


@transaction.atomic
def add_case_note(*, actor, case: Case, body: str, request: HttpRequest | None = None) -> CaseNote:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Enter the note"]})
    note = CaseNote.objects.create(case=case, body=body, author=actor)
    _record(
        actor=actor,
        action="create",
        thing=note,
        case=case,
        fields=["body"],
        request=request,
        kind="note",
        summary=f"Note added to case {case.reference}",
        body=body,
    )
    return note


@transaction.atomic
def move_cases(*, from_resident_id: int, to_resident_id: int) -> int:
    """Used when two records of one person are merged: the cases follow the person.

    The merge writes the audit record; the cases' timeline events move with the others.
    """
    return Case.objects.filter(resident_id=from_resident_id).update(resident_id=to_resident_id)
