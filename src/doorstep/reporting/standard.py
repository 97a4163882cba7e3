"""The figures built on the events in docs/events.md: the four KPIs and the service's own figures.

Registered from ReportingConfig.ready(). How each is computed is in docs/reporting.md, and the
`description` here is what the dashboard shows under "How this is worked out".
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Min
from django.utils import timezone

from . import figures
from .figures import NO_DATA, Result, ratio, register_event_key, register_figure
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


def completion_by_service(data: PeriodData) -> list[tuple[str, Result]]:
    started = data.grouped(STARTED, "service")
    completed = data.grouped(COMPLETED, "service")
    return [
        (
            service.replace("_", " ").capitalize(),
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


def _percentile_of(name: str, percent: int):
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
            kind.replace("_", " ").capitalize() or "Not given",
            ratio(data.count("evidence.decided", document_type=kind, decision="rejected"), n),
        )
        for kind, (n, _total) in sorted(types.items())
    ]


# --- Vulnerability, inclusion ----------------------------------------------------------------------


def by_attribute(name: str, attribute: str):
    def compute(data: PeriodData) -> list[tuple[str, Result]]:
        groups = data.grouped(name, attribute)
        return [
            ((value or "Not given").replace("_", " ").capitalize(), figures.count(n))
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


def _open_tasks(data: PeriodData):
    from doorstep.cases.models import Case, Task

    tasks = Task.objects.filter(is_done=False, case__status__in=Case.OPEN_STATUSES)
    if data.scope.team_id is not None:
        tasks = tasks.filter(case__team_id=data.scope.team_id)
    return tasks


def open_tasks(data: PeriodData) -> Result:
    return figures.count(_open_tasks(data).count())


def oldest_task(data: PeriodData) -> Result:
    oldest = _open_tasks(data).aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return NO_DATA
    return Result((timezone.now() - oldest).total_seconds(), volume=1)


def queue_ages_by_team(data: PeriodData) -> list[tuple[str, Result]]:
    now = timezone.now()
    rows = []
    teams = (
        _open_tasks(data)
        .values("case__team_id", team_name=F("case__team__name"))
        .annotate(n=Count("id"))
        .order_by("team_name")
    )
    for team in teams:
        created = list(
            _open_tasks(data)
            .filter(case__team_id=team["case__team_id"])
            .values_list("created_at", flat=True)
        )
        ages = [int((now - moment).total_seconds()) for moment in created]
        rows.append((team["team_name"], Result(figures.percentile(ages, 50), volume=team["n"])))
    return rows


def register_all() -> None:
    for name, attributes in EVENT_KEYS.items():
        register_event_key(name, attributes)
    K, T, D = figures.KPIS, figures.TEXTS, figures.DOCUMENTS
    P, V, INC, W = figures.PLANS, figures.VULNERABILITY, figures.INCLUSION, figures.WORK_QUEUES
    entries = [
        # The four KPIs, as the GOV.UK Service Manual defines them.
        ("cost_per_transaction", "Cost per transaction", K, figures.POUNDS,
         "Total cost of providing the service through every channel in the period (staff time "
         "per completed transaction by channel, postage and printing, text fragments, and the "
         "monthly overhead for the days in the period) ÷ transactions completed in the period.",
         cost_per_transaction, {}),
        ("user_satisfaction", "User satisfaction", K, figures.PERCENT,
         "Answers of “Satisfied” or “Very satisfied” ÷ every answer to “Overall, how did you "
         "feel about the service you received today?” in the period.",
         user_satisfaction, {}),
        ("completion_rate", "Completion rate", K, figures.PERCENT,
         "Transactions completed in the period (including “not eligible”) ÷ transactions "
         "started in the period. A start with no completion is a drop-out.",
         completion_rate, {}),
        ("digital_take_up", "Digital take-up", K, figures.PERCENT,
         "Transactions completed online, alone or with assisted-digital support ÷ all "
         "transactions completed, from every channel.",
         digital_take_up, {}),
        ("assisted_digital", "Completed with assisted-digital support", K, figures.PERCENT,
         "Transactions completed online with an officer or a Digital Friend helping ÷ all "
         "transactions completed.",
         assisted_digital, {}),
        ("transactions_started", "Transactions started", K, figures.COUNT,
         "Count of transaction.started events.",
         lambda data: figures.count(data.count(STARTED)), {}),
        ("transactions_completed", "Transactions completed", K, figures.COUNT,
         "Count of transaction.completed events (done or not eligible).",
         lambda data: figures.count(data.count(COMPLETED)), {}),
        ("satisfaction_answers", "Answers to the satisfaction question", K, figures.COUNT,
         "How many residents gave each answer.",
         satisfaction_answers, {"breakdown": True}),
        ("completion_by_service", "Completion rate by service", K, figures.PERCENT,
         "Completed ÷ started, for each kind of transaction.",
         completion_by_service, {"breakdown": True}),
        # Texts
        ("texts_sent", "Texts sent", T, figures.COUNT,
         "Count of sms.sent events.",
         lambda data: figures.count(data.count("sms.sent")), {}),
        ("texts_per_week", "Texts sent per week", T, figures.COUNT,
         "Texts sent ÷ days in the period × 7.",
         texts_per_week, {}),
        ("reply_rate", "Reply rate", T, figures.PERCENT,
         "Texts received from a known resident (not STOP) ÷ texts sent.",
         reply_rate, {}),
        ("delivery_failure_rate", "Texts not delivered", T, figures.PERCENT,
         "Texts that failed ÷ texts with a final status (delivered or failed).",
         delivery_failure_rate, {}),
        ("opt_outs", "Opt-outs", T, figures.COUNT,
         "Numbers opted out of texts (by the resident or an officer).",
         lambda data: figures.count(data.count("sms.opted_out")), {}),
        ("text_fragments", "Text fragments sent", T, figures.COUNT,
         "Sum of the fragments of every text sent (what providers charge for).",
         lambda data: figures.count(data.total("sms.sent")), {}),
        # Documents
        ("evidence_requests", "Document requests sent", D, figures.COUNT,
         "Count of evidence.requested events.",
         lambda data: figures.count(data.count("evidence.requested")), {}),
        ("documents_requested", "Documents asked for", D, figures.COUNT,
         "Sum of the documents named in each request.",
         lambda data: figures.count(data.total("evidence.requested")), {}),
        ("first_upload_median", "Time to first upload (median)", D, figures.DURATION,
         "Median time from the request to the first upload, for uploads in the period.",
         _percentile_of("evidence.first_upload", 50), {}),
        ("first_upload_p90", "Time to first upload (90th percentile)", D, figures.DURATION,
         "Nine in ten first uploads came within this time of the request.",
         _percentile_of("evidence.first_upload", 90), {}),
        ("decision_median", "Time to decision (median)", D, figures.DURATION,
         "Median time from the request to the decision on a document, for decisions in the "
         "period.",
         _percentile_of("evidence.decided", 50), {}),
        ("decision_p90", "Time to decision (90th percentile)", D, figures.DURATION,
         "Nine in ten decisions came within this time of the request.",
         _percentile_of("evidence.decided", 90), {}),
        ("rejection_rate", "Documents rejected", D, figures.PERCENT,
         "Documents rejected ÷ documents decided.",
         rejection_rate, {}),
        ("rejection_by_type", "Documents rejected, by document type", D, figures.PERCENT,
         "Rejected ÷ decided, for each document type.",
         rejection_by_type, {"breakdown": True}),
        # Plans
        ("plans_shared", "Plans shared", P, figures.COUNT,
         "Count of plan.shared events.",
         lambda data: figures.count(data.count("plan.shared")), {}),
        ("plans_viewed", "Plans viewed by residents", P, figures.COUNT,
         "Count of plan.viewed events.",
         lambda data: figures.count(data.count("plan.viewed")), {}),
        ("actions_done", "Plan actions done", P, figures.COUNT,
         "Count of plan.action_done events.",
         lambda data: figures.count(data.count("plan.action_done")), {}),
        ("actions_on_time", "Plan actions done on time", P, figures.PERCENT,
         "Actions done by their due date ÷ actions done.",
         lambda data: ratio(
             data.count("plan.action_done", on_time=True), data.count("plan.action_done")
         ), {}),
        # Vulnerability
        ("assessments", "Vulnerability assessments", V, figures.COUNT,
         "Count of vulnerability.assessed events.",
         lambda data: figures.count(data.count("vulnerability.assessed")), {}),
        ("assessments_by_level", "Assessments by level of intervention", V, figures.COUNT,
         "Assessments for each level.",
         by_attribute("vulnerability.assessed", "level"), {"breakdown": True}),
        ("referrals", "Referrals to support services", V, figures.COUNT,
         "Count of vulnerability.referral_made events.",
         lambda data: figures.count(data.count("vulnerability.referral_made")), {}),
        # Digital inclusion
        ("learners_helped", "Learners helped", INC, figures.COUNT,
         "Residents who had their first session with a Digital Friend in the period.",
         lambda data: figures.count(data.count("inclusion.session", learner_first_session=True)),
         {"beside_kpis": True}),
        ("level_movement", "Movement on the digital inclusion scale", INC, figures.NUMBER,
         "Average change in level (1 to 9) between a resident's skills check and their "
         "previous one, over checks in the period that had a previous one.",
         level_movement, {"beside_kpis": True}),
        ("inclusion_take_up", "Digital take-up among residents helped", INC, figures.PERCENT,
         "Of skills checks and help requests completed in the period, the share completed "
         "online (alone or with assisted-digital support).",
         inclusion_take_up, {"beside_kpis": True}),
        ("skills_checks", "Digital skills checks", INC, figures.COUNT,
         "Count of inclusion.skills_check events.",
         lambda data: figures.count(data.count("inclusion.skills_check")), {}),
        ("help_requests", "Requests for a Digital Friend", INC, figures.COUNT,
         "Count of inclusion.help_request events.",
         lambda data: figures.count(data.count("inclusion.help_request")), {}),
        ("friend_sessions", "Digital Friends sessions", INC, figures.COUNT,
         "Count of inclusion.session events.",
         lambda data: figures.count(data.count("inclusion.session")), {}),
        ("friend_hours", "Digital Friends hours", INC, figures.NUMBER,
         "Sum of session minutes ÷ 60.",
         lambda data: Result(
             data.total("inclusion.session") / 60, volume=data.count("inclusion.session")
         ), {}),
        # Work queues: what is waiting now
        ("open_tasks", "Open tasks", W, figures.COUNT,
         "Tasks not done on open cases, now.",
         open_tasks, {"snapshot": True}),
        ("oldest_task", "Oldest open task", W, figures.DURATION,
         "Time since the oldest open task was created, now.",
         oldest_task, {"snapshot": True}),
        ("queue_age_by_team", "Median age of open tasks, by team", W, figures.DURATION,
         "For each team: the median time since its open tasks were created, now.",
         queue_ages_by_team, {"snapshot": True, "breakdown": True}),
    ]  # fmt: skip
    for slug, label, section, unit, description, compute, options in entries:
        register_figure(
            slug=slug,
            label=label,
            section=section,
            unit=unit,
            description=description,
            compute=compute,
            **options,
        )
