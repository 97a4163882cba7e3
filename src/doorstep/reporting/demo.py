"""Demo data for management information: typical channel costs, a year of backdated service
events behind every figure on the dashboard, satisfaction answers spread over that year, a few
answers today for the newest demo cases (through the real survey service), then the rollups.
Called by `manage.py seed_demo`.

The year is drawn from one seeded generator, so the same seed gives the same history. Each day
has a believable number of transactions for each team: busier in winter and on weekdays, and
more of them done online as the year goes on. Each transaction brings the events the services
would write around it (texts, documents, plans, assessments, Digital Friends' sessions). Rows
are written in bulk: a year for 2,000 residents is a few tens of thousands of events.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doorstep.cases.models import Case
from doorstep.core import service_events, tokens
from doorstep.core.models import Team

from . import rollups, survey
from .models import ChannelCost, CostSettings, SurveyInvitation
from .queries import day_start, local_day

# Rough figures for a council team: an officer's hour with on-costs, a letter with postage.
DEMO_COSTS = {
    "digital": {"staff_minutes": 0, "cost_per_hour_pence": 0, "postage_pence": 0},
    "assisted_digital": {"staff_minutes": 20, "cost_per_hour_pence": 3200, "postage_pence": 0},
    "phone": {"staff_minutes": 15, "cost_per_hour_pence": 3200, "postage_pence": 0},
    "paper": {"staff_minutes": 25, "cost_per_hour_pence": 3200, "postage_pence": 145},
    "face_to_face": {"staff_minutes": 30, "cost_per_hour_pence": 3200, "postage_pence": 0},
}
# Weighted towards satisfied, as services usually find.
ANSWER_WEIGHTS = [(5, 40), (4, 30), (3, 12), (2, 10), (1, 8)]
HISTORY_DAYS = 365
# Transactions a team starts on an ordinary weekday, for 2,000 residents.
DAILY_TRANSACTIONS = 5
SERVICES = [
    ("evidence_request", 45),
    ("shared_plan", 20),
    ("skills_check", 20),
    ("help_request", 15),
]
COMPLETES = {
    "evidence_request": 0.85,
    "shared_plan": 0.75,
    "skills_check": 1.0,
    "help_request": 0.7,
}
BACK_OFFICE = [("phone", 50), ("paper", 20), ("face_to_face", 30)]
# As the evidence catalogue names them, as the real events carry them.
DOCUMENT_TYPES = [
    "Proof of address",
    "Proof of income (payslips)",
    "Photo ID",
    "Bank statements",
    "Tenancy agreement",
]
LEVELS = [("standard", 50), ("supported", 30), ("intensive", 15), ("urgent", 5)]
# What a year's survey invitation is about: a transaction of the demo history, by number.
DEMO_TRANSACTION = "reporting.demo_transaction"
DAY = 86400


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([item for item, _w in weighted], [w for _item, w in weighted])[0]


@dataclass
class Day:
    """One day of the demo year: when it starts and ends (today ends now), and how busy it is."""

    start: datetime.datetime
    end: datetime.datetime
    busy: float
    # The share of transactions done online, rising over the year.
    online: float


def year_of_days(now: datetime.datetime) -> list[Day]:
    today = local_day(now)
    days = []
    for back in range(HISTORY_DAYS - 1, -1, -1):
        day = today - datetime.timedelta(days=back)
        start = day_start(day)
        end = min(day_start(day + datetime.timedelta(days=1)), now)
        if end <= start:
            continue
        # Busiest in January, quietest in August; weekends see little back-office work.
        season = 1 + 0.25 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
        weekday = 0.35 if day.weekday() >= 5 else 1.0
        online = 0.35 + 0.3 * (HISTORY_DAYS - back) / HISTORY_DAYS
        days.append(Day(start=start, end=end, busy=season * weekday, online=online))
    return days


@dataclass
class History:
    """The events (and answered survey invitations) of the demo year, built in memory."""

    rng: random.Random
    now: datetime.datetime
    events: list[dict] = field(default_factory=list)
    answers: list[tuple[datetime.datetime, int, int | None, str, str]] = field(default_factory=list)

    def add(self, name: str, at: datetime.datetime, *, team=None, channel="", value=1, **attrs):
        if at <= self.now:
            self.events.append(
                {
                    "name": name,
                    "occurred_at": at,
                    "team": team,
                    "channel": channel,
                    "value": value,
                    "attributes": attrs,
                }
            )

    def later(self, at: datetime.datetime, day: Day, *, same_day: bool, days: float):
        """A moment after `at`: within its day when `same_day`, else up to `days` days on."""
        if same_day:
            return at + (day.end - at) * self.rng.random()
        return at + datetime.timedelta(seconds=self.rng.random() * days * DAY)


def _channel(rng: random.Random, service: str, day: Day) -> str:
    if service == "help_request":
        return "assisted_digital"
    online = rng.random() < day.online or service == "skills_check"
    if online:
        return "digital" if rng.random() < 0.8 else "assisted_digital"
    return _pick(rng, BACK_OFFICE)


def _texts(h: History, at, day: Day, team, *, same_day: bool) -> None:
    rng = h.rng
    for _ in range(1 if same_day else rng.choice([0, 1, 1, 2])):
        sent = h.later(at, day, same_day=True, days=0)
        h.add("sms.sent", sent, team=team, channel="sms", value=rng.choice([1, 1, 1, 2]),
              kind=_pick(rng, [("one_off", 40), ("nudge", 35), ("system", 20), ("cohort", 5)]))  # fmt: skip
        if rng.random() < 0.95 or same_day:
            h.add("sms.delivered", h.later(sent, day, same_day=True, days=0), team=team,
                  channel="sms", status="delivered")  # fmt: skip
        else:
            h.add("sms.failed", sent, team=team, channel="sms", status="failed")
        if rng.random() < 0.3 or same_day:
            h.add("sms.received", h.later(sent, day, same_day=same_day, days=1), team=team,
                  channel="sms", matched=True, opt_out=False)  # fmt: skip
        if rng.random() < 0.01:
            h.add("sms.opted_out", h.later(sent, day, same_day=same_day, days=2), channel="sms",
                  reason=_pick(rng, [("resident", 80), ("officer", 20)]))  # fmt: skip


def _evidence(h: History, at, day: Day, team, *, same_day: bool) -> None:
    rng = h.rng
    kinds = rng.sample(DOCUMENT_TYPES, rng.choice([1, 1, 2, 3]))
    h.add("evidence.requested", at, team=team, value=len(kinds), document_types=kinds)
    if not same_day and rng.random() > 0.85:
        return
    upload = h.later(at, day, same_day=same_day, days=4)
    seconds = int((upload - at).total_seconds())
    h.add("evidence.first_upload", upload, team=team, value=seconds, document_type=kinds[0])
    rejected = 0.16 - 0.06 * day.online  # clearer guidance online: fewer rejections
    for kind in kinds:
        decided = h.later(upload, day, same_day=same_day, days=3)
        h.add("evidence.decided", decided, team=team, value=int((decided - at).total_seconds()),
              document_type=kind, decision="rejected" if rng.random() < rejected else "accepted")  # fmt: skip


def _plan(h: History, at, day: Day, team, *, same_day: bool) -> None:
    rng = h.rng
    h.add("plan.shared", at, team=team)
    if same_day or rng.random() < 0.7:
        h.add("plan.viewed", h.later(at, day, same_day=same_day, days=2), team=team)
    for _ in range(rng.choice([1, 2, 3]) if not same_day else 1):
        done = h.later(at, day, same_day=same_day, days=30)
        h.add("plan.action_done", done, team=team, on_time=rng.random() < 0.75,
              owner=_pick(rng, [("resident", 60), ("officer", 30), ("partner", 10)]))  # fmt: skip


def _skills_check(h: History, at, team, channel: str, *, same_day: bool) -> None:
    rng = h.rng
    level = rng.randint(2, 8)
    previous = None
    if same_day or rng.random() < 0.4:
        previous = max(1, level - rng.choice([0, 1, 1, 2]))
    h.add("inclusion.skills_check", at, team=team, channel=channel, value=level,
          previous_level=previous, foundation=level >= 3)  # fmt: skip


def _help_request(h: History, at, completed_at, team) -> None:
    rng = h.rng
    h.add("inclusion.help_request", at, team=team,
          source=_pick(rng, [("officer", 60), ("colleague", 25), ("public", 15)]))  # fmt: skip
    if completed_at is None:
        return
    friend = rng.randint(1, 8)
    moment = completed_at
    for first in (True, *([False] * rng.choice([0, 1, 2]))):
        h.add("inclusion.session", moment, team=team, channel="assisted_digital",
              value=rng.choice([30, 45, 60, 60, 90]), friend=friend, learner_first_session=first)  # fmt: skip
        moment += datetime.timedelta(days=7)


def _survey_answer(h: History, done_at, day: Day, team, service: str, *, same_day: bool) -> None:
    rng = h.rng
    answered = h.later(done_at, day, same_day=same_day, days=2)
    # Residents grow happier as more is done online and waits shorten.
    weights = [w + (20 * day.online if answer >= 4 else 0) for answer, w in ANSWER_WEIGHTS]
    answer = rng.choices([answer for answer, _w in ANSWER_WEIGHTS], weights)[0]
    channel = "sms" if rng.random() < 0.4 else "digital"
    if answered <= h.now:
        h.answers.append((answered, answer, team, service, channel))


def _transaction(h: History, day: Day, team, service: str, *, same_day: bool) -> None:
    """One transaction and the events around it. `same_day` ones finish within their day, so
    every day (today too) has each kind of event."""
    rng = h.rng
    at = day.start + (day.end - day.start) * (rng.random() * 0.5 if same_day else rng.random())
    channel = _channel(rng, service, day)
    h.add("transaction.started", at, team=team, channel=channel, service=service)
    done_at = None
    if same_day or rng.random() < COMPLETES[service]:
        done_at = at if service == "skills_check" else h.later(at, day, same_day=same_day, days=10)
        outcome = "not_eligible" if rng.random() < 0.06 else "done"
        h.add("transaction.completed", done_at, team=team, channel=channel, service=service,
              outcome=outcome)  # fmt: skip
        if done_at <= h.now and (same_day or rng.random() < 0.3):
            _survey_answer(h, done_at, day, team, service, same_day=same_day)
    if service == "evidence_request":
        _evidence(h, at, day, team, same_day=same_day)
    elif service == "shared_plan":
        _plan(h, at, day, team, same_day=same_day)
    elif service == "skills_check":
        _skills_check(h, at, team, channel, same_day=same_day)
    else:
        _help_request(h, at, done_at, team)
    _texts(h, at, day, team, same_day=same_day)


def _assessments(h: History, day: Day, team, count: int) -> None:
    rng = h.rng
    for index in range(count):
        at = day.start + (day.end - day.start) * rng.random()
        h.add("vulnerability.assessed", at, team=team, level=_pick(rng, LEVELS))
        if index == 0 or rng.random() < 0.25:
            h.add("vulnerability.referral_made", h.later(at, day, same_day=True, days=0),
                  team=team, service=rng.randint(1, 8), self_referral=rng.random() < 0.2)  # fmt: skip


def build_history(*, seed: int, team_ids: list[int | None], residents: int, now) -> History:
    """A year of events for these teams, scaled to the number of residents."""
    h = History(rng=random.Random(seed), now=now)  # noqa: S311 - repeatable demo data
    scale = max(residents, 200) / 2000
    for index, day in enumerate(year_of_days(now)):
        # One transaction of each service finishes within the day, for one team in turn.
        anchor = team_ids[index % len(team_ids)]
        for service, _weight in SERVICES:
            _transaction(h, day, anchor, service, same_day=True)
        for team in team_ids:
            extra = h.rng.gauss(DAILY_TRANSACTIONS * scale * day.busy, 1)
            anchors = len(SERVICES) if team == anchor else 0
            for _ in range(max(0, round(extra) - anchors)):
                _transaction(h, day, team, _pick(h.rng, SERVICES), same_day=False)
            _assessments(h, day, team, 1 + round(h.rng.random() * 2 * scale * day.busy))
    return h


def _write_answers(h: History) -> int:
    """Answered invitations for the year, each with its survey.answered event."""
    # Numbered on from any earlier demo year, so seeding again adds another.
    first = SurveyInvitation.objects.filter(object_type=DEMO_TRANSACTION).count()
    invitations = [
        SurveyInvitation(
            token_hash=tokens.hash_token(tokens.new_token(24)),
            service=service,
            object_type=DEMO_TRANSACTION,
            object_id=str(first + number),
            team_id=team,
            created_at=answered_at - datetime.timedelta(hours=1),
            expires_at=answered_at + survey.LIFETIME,
            by_text=channel == "sms",
            answered=True,
            answered_at=answered_at,
            answer=answer,
        )
        for number, (answered_at, answer, team, service, channel) in enumerate(h.answers, 1)
    ]
    # bulk_create sets each invitation's primary key (SQLite, PostgreSQL), so events point at it.
    SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    return service_events.record_many(
        {
            "name": survey.ANSWERED_EVENT,
            "occurred_at": invitation.answered_at,
            "team": invitation.team_id,
            "channel": channel,
            "value": invitation.answer,
            "attributes": {"service": invitation.service},
            "source": invitation,
        }
        for invitation, (*_rest, channel) in zip(invitations, h.answers, strict=True)
    )


def _set_costs() -> None:
    if ChannelCost.objects.exists():
        return
    ChannelCost.objects.bulk_create(
        ChannelCost(channel=channel, **values) for channel, values in DEMO_COSTS.items()
    )
    CostSettings.objects.update_or_create(
        pk=1,
        defaults={"price_per_fragment_pence": Decimal("2.27"), "monthly_overhead_pence": 250_000},
    )


def _answer_newest_cases(rng: random.Random, newest: int) -> int:
    """A few answers today, through the survey service, for the newest demo cases."""
    answers = 0
    values = [answer for answer, _weight in ANSWER_WEIGHTS]
    weights = [weight for _answer, weight in ANSWER_WEIGHTS]
    for case in Case.objects.select_related("team").order_by("-id")[: max(newest, 0)]:
        if rng.random() > 0.3:
            continue
        invitation = survey.invite(service="demo_case", source=case, team=case.team)
        if invitation.answered:
            continue
        survey.answer(invitation=invitation, answer=rng.choices(values, weights)[0])
        answers += 1
    return answers


@transaction.atomic
def seed(*, seed: int, staff, newest: int) -> str:
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    _set_costs()
    answers = _answer_newest_cases(rng, newest)
    team_ids = [team.pk for team in Team.objects.order_by("pk")] or [None]
    history = build_history(seed=seed, team_ids=team_ids, residents=newest, now=timezone.now())
    events = service_events.record_many(history.events)
    answers += _write_answers(history)
    # The year just written is older than the rollups' last refresh: rebuild all of it.
    days = rollups.refresh(rebuild_days=HISTORY_DAYS)
    return (
        f"  {events:,} service events over the last year, {answers:,} satisfaction answers; "
        f"costs set; {len(days):,} days rolled up"
    )
