"""The figures built on the events in docs/events.md: the four KPIs and the service's own figures.

Registered from ReportingConfig.ready(). How each is computed is in docs/reporting.md, and the
`description` here is what the dashboard shows under "How this is worked out".
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from doorstep.cases import queries as case_queries

from . import figures
from .figures import NO_DATA, Result, ratio
from .queries import PeriodData

STARTED = "transaction.started"
COMPLETED = "transaction.completed"
DIGITAL_CHANNELS = ["digital", "assisted_digital"]
BACK_OFFICE_CHANNELS = ["phone", "paper", "face_to_face"]
INCLUSION_SERVICES = ["skills_check", "help_request"]

EVENT_KEYS = {
    STARTED: ("service",),
    # The outcome ("done" or "not_eligible") is not kept: both count as completed, and leaving it
    # out halves the rollup rows of the busiest event.
    COMPLETED: ("service",),
    "sms.sent": ("kind",),
    "sms.failed": ("status",),
    "sms.received": ("matched", "opt_out"),
    "sms.opted_out": ("reason",),
    "vulnerability.assessed": ("level",),
    "vulnerability.referral_made": ("self_referral",),
    "housing.position_lookup": ("outcome",),
    "evidence.first_upload": ("document_type",),
    "evidence.decided": ("document_type", "decision"),
    "plan.action_done": ("on_time", "owner"),
    "inclusion.skills_check": ("previous_level", "value"),
    "inclusion.help_request": ("source",),
    "inclusion.session": ("learner_first_session",),
    "survey.answered": ("value",),
}

KPI_SLUGS = ["cost_per_transaction", "user_satisfaction", "completion_rate", "digital_take_up"]
# The events the four KPIs read: earlier periods on the dashboard's charts read only these.
KPI_EVENTS = frozenset({STARTED, COMPLETED, "survey.answered", "sms.sent"})
SATISFACTION_ANSWERS = [
    ("5", "Very satisfied"),
    ("4", "Satisfied"),
    ("3", "Neither satisfied or dissatisfied"),
    ("2", "Dissatisfied"),
    ("1", "Very dissatisfied"),
]
COST_WARNING = (
    "Cost per transaction shows what this service costs to run. It is not a comparison of "
    "efficiency between services: services differ in what a transaction involves."
)


def _pounds(pence: Decimal | float) -> str:
    return f"£{Decimal(str(pence / 100)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


# --- The four KPIs ----------------------------------------------------------------------------


def completion_rate(data: PeriodData) -> Result:
    return ratio(data.count(COMPLETED), data.count(STARTED))


def digital_take_up(data: PeriodData) -> Result:
    return ratio(data.count(COMPLETED, channels=DIGITAL_CHANNELS), data.count(COMPLETED))


def assisted_digital(data: PeriodData) -> Result:
    return ratio(data.count(COMPLETED, channels=["assisted_digital"]), data.count(COMPLETED))


def user_satisfaction(data: PeriodData) -> Result:
    return ratio(data.count("survey.answered", value=[4, 5]), data.count("survey.answered"))


def satisfaction_answers(data: PeriodData) -> list[tuple[str, Result]]:
    counts = data.grouped("survey.answered", "value")
    return [
        (label, figures.count(counts.get(answer, [0, 0])[0]))
        for answer, label in SATISFACTION_ANSWERS
    ]


def cost_working(data: PeriodData) -> dict:
    """Each part of the total cost, in pence, with the words that explain it."""
    costs = data.costs
    lines = []
    total = Decimal(0)
    for channel, cost in sorted(costs.per_channel.items()):
        completed = data.count(COMPLETED, channels=[channel])
        if not completed:
            continue
        label = cost.get_channel_display().lower()
        if cost.staff_minutes and cost.cost_per_hour_pence:
            staff = Decimal(completed * cost.staff_minutes * cost.cost_per_hour_pence) / 60
            total += staff
            lines.append(
                (
                    f"Staff time, {label}: {completed:,} × {cost.staff_minutes} minutes at "
                    f"{_pounds(cost.cost_per_hour_pence)} an hour",
                    staff,
                )
            )
        if cost.postage_pence:
            postage = Decimal(completed * cost.postage_pence)
            total += postage
            lines.append(
                (
                    f"Postage and printing, {label}: {completed:,} × {_pounds(cost.postage_pence)}",
                    postage,
                )
            )
    fragments = data.total("sms.sent")
    if fragments and costs.price_per_fragment_pence:
        texts = Decimal(fragments) * costs.price_per_fragment_pence
        total += texts
        lines.append(
            (f"Texts: {fragments:,} fragments at {costs.price_per_fragment_pence}p each", texts)
        )
    whole_service = data.scope.team_id is None and not data.scope.channel
    if costs.monthly_overhead_pence and whole_service:
        overhead = Decimal(costs.monthly_overhead_pence * 12 * data.period.days) / 365
        total += overhead
        lines.append(
            (
                f"Overhead: {_pounds(costs.monthly_overhead_pence)} a month for "
                f"{data.period.days} days",
                overhead,
            )
        )
    completed = data.count(COMPLETED)
    return {
        "lines": [(words, _pounds(pence)) for words, pence in lines],
        "total": _pounds(total),
        "total_pence": total,
        "completed": completed,
        "overhead_left_out": bool(costs.monthly_overhead_pence and not whole_service),
    }


def cost_per_transaction(data: PeriodData) -> Result:
    working = cost_working(data)
    if not working["completed"]:
        return Result(None, volume=0)
    return Result(
        float(working["total_pence"] / working["completed"] / 100),
        volume=working["completed"],
        note=f"{working['total']} ÷ {working['completed']:,} completed transactions",
    )


def _label(value: str) -> str:
    """A value as a row label: "urgent" as "Urgent", "face_to_face" as "Face to face", and a
    name such as "Photo ID" left as it is (capitalize() would make it "Photo id")."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def completion_by_service(data: PeriodData) -> list[tuple[str, Result]]:
    started = data.grouped(STARTED, "service")
    completed = data.grouped(COMPLETED, "service")
    return [
        (
            _label(service),
            ratio(completed.get(service, [0])[0], started[service][0]),
        )
        for service in sorted(started)
    ]


# --- Texts ----------------------------------------------------------------------------------------


def texts_per_week(data: PeriodData) -> Result:
    sent = data.count("sms.sent")
    return Result(sent * 7 / data.period.days, volume=sent)


def reply_rate(data: PeriodData) -> Result:
    return ratio(data.count("sms.received", matched=True, opt_out=False), data.count("sms.sent"))


def delivery_failure_rate(data: PeriodData) -> Result:
    failed = data.count("sms.failed")
    return ratio(failed, failed + data.count("sms.delivered"))


# --- Documents ------------------------------------------------------------------------------------


def percentile_of(name: str, percent: int):
    def compute(data: PeriodData) -> Result:
        values = data.values(name)
        return Result(figures.percentile(values, percent), volume=len(values))

    return compute


def rejection_rate(data: PeriodData) -> Result:
    return ratio(
        data.count("evidence.decided", decision="rejected"), data.count("evidence.decided")
    )


def rejection_by_type(data: PeriodData) -> list[tuple[str, Result]]:
    types = data.grouped("evidence.decided", "document_type")
    return [
        (
            _label(kind) or "Not given",
            ratio(data.count("evidence.decided", document_type=kind, decision="rejected"), n),
        )
        for kind, (n, _total) in sorted(types.items())
    ]


# --- Vulnerability, inclusion ----------------------------------------------------------------------


def by_attribute(name: str, attribute: str):
    def compute(data: PeriodData) -> list[tuple[str, Result]]:
        groups = data.grouped(name, attribute)
        return [
            (_label(value or "Not given"), figures.count(n))
            for value, (n, _total) in sorted(groups.items())
        ]

    return compute


def level_movement(data: PeriodData) -> Result:
    """Average levels moved on the inclusion scale, over checks that had an earlier level."""
    moved = checks = 0
    for (_channel, key), (n, _total) in data._totals.get("inclusion.skills_check", {}).items():
        previous, _, level = key.partition("|")
        if previous.isdigit() and level.isdigit():
            moved += (int(level) - int(previous)) * n
            checks += n
    if not checks:
        return Result(None, volume=0)
    return Result(moved / checks, volume=checks, note=f"{moved:+} levels over {checks:,} checks")


def inclusion_take_up(data: PeriodData) -> Result:
    return ratio(
        data.count(COMPLETED, channels=DIGITAL_CHANNELS, service=INCLUSION_SERVICES),
        data.count(COMPLETED, service=INCLUSION_SERVICES),
    )


# --- Work queues (now, from cases) -------------------------------------------------------------------


def open_tasks(data: PeriodData) -> Result:
    return figures.count(case_queries.open_task_count(team_id=data.scope.team_id))


def oldest_task(data: PeriodData) -> Result:
    oldest = case_queries.oldest_open_task_created(team_id=data.scope.team_id)
    if oldest is None:
        return NO_DATA
    return Result((timezone.now() - oldest).total_seconds(), volume=1)


def queue_ages_by_team(data: PeriodData) -> list[tuple[str, Result]]:
    now = timezone.now()
    rows = []
    for name, count, created in case_queries.open_tasks_created_by_team(team_id=data.scope.team_id):
        ages = [int((now - moment).total_seconds()) for moment in created]
        rows.append((name, Result(figures.percentile(ages, 50), volume=count)))
    return rows
