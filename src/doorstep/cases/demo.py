"""Demo data for case work: the case types, and cases for the demo residents with their tasks
and notes, spread over both teams. Called by `manage.py seed_demo`.

Rows are written with bulk_create, but each is the one the services would have written: case
references follow the `HR-000001` sequence, and every case, task and note has the timeline event
and audit record its service writes, backdated to when it happened.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from doorstep.core.changes import Timeline
from doorstep.core.demo_data import BENEFITS, HOUSING_NEEDS
from doorstep.core.demo_data.generator import Generator
from doorstep.core.demo_data.history import History
from doorstep.core.models import Team
from doorstep.residents.models import Resident

from .models import Case, CaseNote, CaseType, Task

# (name, reference prefix, team, how often it comes up)
CASE_TYPES = [
    ("Housing register", "HR", HOUSING_NEEDS, 35),
    ("Homelessness", "HL", HOUSING_NEEDS, 15),
    ("Benefits", "BN", BENEFITS, 35),
    ("Change of circumstances", "CC", BENEFITS, 15),
]
TEAM_OF_PREFIX = {prefix: slug for _name, prefix, slug, _weight in CASE_TYPES}
CASE_SUMMARIES = {
    "HR": [
        "Application to join the housing register",
        "Asked for a review of their band",
        "Overcrowded: needs one more bedroom",
        "Medical priority assessment requested",
        "Wants to move to a ground-floor home",
        "Annual housing register review",
    ],
    "HL": [
        "Section 21 notice from private landlord",
        "Sofa surfing with friends",
        "Asked to leave by family",
        "Fleeing domestic abuse",
        "Rent arrears, eviction threatened",
        "Leaving hospital with nowhere to go",
    ],
    "BN": [
        "Housing Benefit claim",
        "Council Tax Reduction claim",
        "Discretionary Housing Payment application",
        "Moving from Housing Benefit to Universal Credit",
        "Overpayment query",
        "Help with rent shortfall",
    ],
    "CC": [
        "Started a new job",
        "Partner moved in",
        "Moved address within the borough",
        "Child left the household",
        "Hours at work reduced",
        "Started getting Carer's Allowance",
    ],
}
TASK_TITLES = {
    "HR": [
        "Check proof of address",
        "Verify identity documents",
        "Confirm who lives in the household",
        "Arrange a home visit",
        "Send banding decision letter",
        "Request medical evidence",
    ],
    "HL": [
        "Call resident to assess their situation",
        "Agree a Personal Housing Plan",
        "Contact the landlord about the notice",
        "Find emergency accommodation",
        "Refer to the tenancy sustainment team",
        "Check the section 21 notice is valid",
    ],
    "BN": [
        "Request Universal Credit statement",
        "Check proof of income",
        "Ask for last three months of bank statements",
        "Calculate rent shortfall",
        "Send decision letter",
        "Check the tenancy agreement",
    ],
    "CC": [
        "Ask for new payslips",
        "Update household details",
        "Check the new address",
        "Recalculate Council Tax Reduction",
        "Confirm start date of change",
    ],
}
# The first few cases go to the demo officer, open, so "My work" is busy.
OFFICERS_FIRST_CASES = 3


@dataclass
class CaseWork:
    """What seed_cases added."""

    cases: int
    by_team: dict[str, int]
    tasks: int
    tasks_for_demo_officer: int
    notes: int


@dataclass
class _Opened:
    case: Case
    opened_by: object
    # When its status moved on from open, if it did.
    changed_at: datetime.datetime | None
    url: str = ""


def ensure_case_types(teams: dict[str, Team]) -> dict[str, CaseType]:
    """The demo's case types by reference prefix, made unless one with the prefix or name is
    there already."""
    case_types = {}
    for name, prefix, slug, _weight in CASE_TYPES:
        case_types[prefix] = (
            CaseType.objects.filter(reference_prefix=prefix).first()
            or CaseType.objects.filter(name=name).first()
            or CaseType.objects.create(name=name, reference_prefix=prefix, default_team=teams[slug])
        )
    return case_types


def seed_cases(gen: Generator, history: History, *, residents: list[Resident]) -> CaseWork:
    """Up to two cases for each of `residents`, with their tasks and notes."""
    opened = _open_cases(gen, residents)
    cases = [item.case for item in opened]
    Case.objects.bulk_create(cases, batch_size=1000)
    for item in opened:
        item.url = item.case.get_absolute_url()
        _record_case(history, item)
    tasks, notes = _tasks_and_notes(gen, opened)
    Task.objects.bulk_create(tasks, batch_size=1000)
    CaseNote.objects.bulk_create(notes, batch_size=1000)
    by_case = {item.case.pk: item for item in opened}
    for task in tasks:
        _record_task(history, task, by_case[task.case.pk])
    for note in notes:
        _record_note(history, note, by_case[note.case.pk])
    by_team = defaultdict(int)
    for case in cases:
        by_team[case.team.name] += 1
    officer = gen.staff.officer
    return CaseWork(
        cases=len(cases),
        by_team=dict(sorted(by_team.items())),
        tasks=len(tasks),
        tasks_for_demo_officer=sum(
            1 for task in tasks if task.assignee_id == officer.pk and not task.is_done
        ),
        notes=len(notes),
    )


def _last_number(prefix: str) -> int:
    last = (
        Case.objects.filter(reference__startswith=f"{prefix}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last.removeprefix(f"{prefix}-")) if last else 0


def _open_cases(gen: Generator, residents: list[Resident]) -> list[_Opened]:
    references = {prefix: _last_number(prefix) for prefix in gen.staff.case_types}
    type_weights = [(prefix, weight) for _name, prefix, _slug, weight in CASE_TYPES]
    opened: list[_Opened] = []
    for resident in residents:
        for _ in range(gen.weighted([(0, 40), (1, 45), (2, 15)])):
            prefix = gen.weighted(type_weights)
            references[prefix] += 1
            forced = len(opened) < OFFICERS_FIRST_CASES
            opened.append(_open_case(gen, resident, prefix, references[prefix], forced=forced))
    return opened


def _open_case(
    gen: Generator, resident: Resident, prefix: str, number: int, *, forced: bool
) -> _Opened:
    """One case, closed or still going, owned by the team's officers or waiting in its queue."""
    staff, now = gen.staff, gen.now
    slug = TEAM_OF_PREFIX[prefix]
    opened_at = gen.time_between(resident.created_at, now)
    age_days = (now - opened_at).days
    if not forced and age_days > 60 and gen.chance(0.7):
        status = Case.Status.CLOSED
    else:
        status = gen.weighted([("open", 65), ("waiting", 25), ("on_hold", 10)])
    if forced:
        status, owner = Case.Status.OPEN, staff.officer
    elif status != Case.Status.CLOSED and gen.chance(0.1):
        owner = None  # waiting in the team's queue
    else:
        # A realistic caseload for the demo officer: about one case in ten.
        owner = staff.officer if gen.chance(0.1) else gen.rng.choice(staff.owners[slug])
    changed_at = gen.time_between(opened_at, now) if status != "open" else None
    if status == Case.Status.CLOSED:
        due_date = timezone.localdate(opened_at) + datetime.timedelta(days=28)
    else:
        due_date = gen.today + datetime.timedelta(days=gen.rng.randint(-10, 45))
    case = Case(
        resident=resident,
        case_type=staff.case_types[prefix],
        reference=f"{prefix}-{number:06d}",
        summary=gen.rng.choice(CASE_SUMMARIES[prefix]),
        status=status,
        owner=owner,
        team=staff.teams[slug],
        due_date=due_date,
        opened_at=opened_at,
        closed_at=changed_at if status == Case.Status.CLOSED else None,
    )
    return _Opened(case, owner or gen.rng.choice(staff.owners[slug]), changed_at)


def _tasks_and_notes(gen: Generator, opened: list[_Opened]) -> tuple[list[Task], list[CaseNote]]:
    """One to three tasks for each case, done when the case is closed, and a note on some."""
    tasks: list[Task] = []
    notes: list[CaseNote] = []
    for item in opened:
        case = item.case
        titles = gen.rng.sample(TASK_TITLES[case.case_type.reference_prefix], gen.rng.randint(1, 3))
        end = item.changed_at if case.status == Case.Status.CLOSED else gen.now
        tasks.extend(_task(gen, item, title, end) for title in titles)
        if gen.chance(0.3):
            notes.append(
                CaseNote(
                    case=case,
                    body=gen.note(),
                    author=item.opened_by,
                    created_at=gen.time_between(case.opened_at, end),
                )
            )
    return tasks, notes


def _task(gen: Generator, item: _Opened, title: str, end: datetime.datetime) -> Task:
    case = item.case
    created_at = gen.time_between(case.opened_at, case.opened_at + datetime.timedelta(days=3))
    created_at = min(created_at, end)
    if case.is_open:
        due_date = gen.today + datetime.timedelta(days=gen.rng.randint(-14, 21))
        done = gen.chance(0.25)
    else:
        due_date = timezone.localdate(created_at) + datetime.timedelta(days=14)
        done = True
    return Task(
        case=case,
        title=title,
        due_date=due_date,
        assignee=case.owner,
        is_done=done,
        done_at=gen.time_between(created_at, end) if done else None,
        done_by=(case.owner or item.opened_by) if done else None,
        created_at=created_at,
    )


# The audit object type and the timeline kind of each record.
_RECORDED_AS = {Case: ("case", "case"), Task: ("task", "task"), CaseNote: ("case_note", "note")}


def _change(
    history: History,
    item: _Opened,
    record: Case | Task | CaseNote,
    *,
    actor,
    action: str,
    fields: list[str],
    at: datetime.datetime,
    summary: str,
    body: str = "",
    detail: str = "",
) -> None:
    """One change to the case `item` or to a task or note on it, as the services record it:
    audited under the record's type and shown on the resident's timeline, linking to the case."""
    object_type, kind = _RECORDED_AS[type(record)]
    history.change(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=record.pk,
        resident_id=item.case.resident_id,
        fields=fields,
        at=at,
        detail=detail,
        timeline_event=Timeline(kind=kind, summary=summary, body=body, source=record, url=item.url),
    )


def _record_case(history: History, item: _Opened) -> None:
    case = item.case
    _change(
        history,
        item,
        case,
        actor=item.opened_by,
        action="create",
        fields=["case_type", "team", "owner", "summary", "due_date"],
        at=case.opened_at,
        summary=f"{case.case_type.name} case {case.reference} opened",
        body=case.summary,
    )
    if item.changed_at is not None:
        change = f"Open to {case.get_status_display()}"
        _change(
            history,
            item,
            case,
            actor=item.opened_by,
            action="update",
            fields=["status"],
            at=item.changed_at,
            summary=f"Case {case.reference}: {change}",
            detail=change,
        )


def _record_task(history: History, task: Task, item: _Opened) -> None:
    _change(
        history,
        item,
        task,
        actor=item.opened_by,
        action="create",
        fields=["title", "due_date", "assignee"],
        at=task.created_at,
        summary=f"Task added to {item.case.reference}: {task.title}",
    )
    if task.is_done:
        _change(
            history,
            item,
            task,
            actor=task.done_by,
            action="update",
            fields=["is_done"],
            at=task.done_at,
            summary=f"Task done: {task.title}",
        )


def _record_note(history: History, note: CaseNote, item: _Opened) -> None:
    _change(
        history,
        item,
        note,
        actor=note.author,
        action="create",
        fields=["body"],
        at=note.created_at,
        summary=f"Note added to case {item.case.reference}",
        body=note.body,
    )
