"""The catalogue of standard figures: each one's name, section, unit, description and how it is
computed (the computations are in standard.py). Registered from ReportingConfig.ready().
"""

from . import figures
from .figures import Result, ratio, register_event_key, register_figure
from .standard import (
    COMPLETED,
    EVENT_KEYS,
    STARTED,
    assisted_digital,
    by_attribute,
    completion_by_service,
    completion_rate,
    cost_per_transaction,
    delivery_failure_rate,
    digital_take_up,
    inclusion_take_up,
    level_movement,
    oldest_task,
    open_tasks,
    percentile_of,
    queue_ages_by_team,
    rejection_by_type,
    rejection_rate,
    reply_rate,
    satisfaction_answers,
    texts_per_week,
    user_satisfaction,
)


def _count_of(slug: str, label: str, section: str, event: str) -> tuple:
    """A figure that counts one kind of event."""
    return (
        slug,
        label,
        section,
        figures.COUNT,
        f"Count of {event} events.",
        lambda data: figures.count(data.count(event)),
        {},
    )


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
        _count_of("texts_sent", "Texts sent", T, "sms.sent"),
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
        _count_of("evidence_requests", "Document requests sent", D, "evidence.requested"),
        ("documents_requested", "Documents asked for", D, figures.COUNT,
         "Sum of the documents named in each request.",
         lambda data: figures.count(data.total("evidence.requested")), {}),
        ("first_upload_median", "Time to first upload (median)", D, figures.DURATION,
         "Median time from the request to the first upload, for uploads in the period.",
         percentile_of("evidence.first_upload", 50), {}),
        ("first_upload_p90", "Time to first upload (90th percentile)", D, figures.DURATION,
         "Nine in ten first uploads came within this time of the request.",
         percentile_of("evidence.first_upload", 90), {}),
        ("decision_median", "Time to decision (median)", D, figures.DURATION,
         "Median time from the request to the decision on a document, for decisions in the "
         "period.",
         percentile_of("evidence.decided", 50), {}),
        ("decision_p90", "Time to decision (90th percentile)", D, figures.DURATION,
         "Nine in ten decisions came within this time of the request.",
         percentile_of("evidence.decided", 90), {}),
        ("rejection_rate", "Documents rejected", D, figures.PERCENT,
         "Documents rejected ÷ documents decided.",
         rejection_rate, {}),
        ("rejection_by_type", "Documents rejected, by document type", D, figures.PERCENT,
         "Rejected ÷ decided, for each document type.",
         rejection_by_type, {"breakdown": True}),
        # Plans
        _count_of("plans_shared", "Plans shared", P, "plan.shared"),
        _count_of("plans_viewed", "Plans viewed by residents", P, "plan.viewed"),
        _count_of("actions_done", "Plan actions done", P, "plan.action_done"),
        ("actions_on_time", "Plan actions done on time", P, figures.PERCENT,
         "Actions done by their due date ÷ actions done.",
         lambda data: ratio(
             data.count("plan.action_done", on_time=True), data.count("plan.action_done")
         ), {}),
        # Vulnerability
        _count_of("assessments", "Vulnerability assessments", V, "vulnerability.assessed"),
        ("assessments_by_level", "Assessments by level of intervention", V, figures.COUNT,
         "Assessments for each level.",
         by_attribute("vulnerability.assessed", "level"), {"breakdown": True}),
        _count_of("referrals", "Referrals to support services", V, "vulnerability.referral_made"),
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
        _count_of("skills_checks", "Digital skills checks", INC, "inclusion.skills_check"),
        _count_of("help_requests", "Requests for a Digital Friend", INC, "inclusion.help_request"),
        _count_of("friend_sessions", "Digital Friends sessions", INC, "inclusion.session"),
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
    fields = ("slug", "label", "section", "unit", "description", "compute")
    for *values, options in entries:
        register_figure(**dict(zip(fields, values, strict=True)), **options)
