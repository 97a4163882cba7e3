import datetime
import re

import pytest
from django.utils import timezone

from doorstep.messaging.models import OutboxEntry
from doorstep.plans import services

from ..factories import CaseFactory

HOUSING_PLAN = """
Goal: Keep your home or find somewhere to live
You: Send us a copy of the notice from your landlord (3 days)
You: Register with three letting agents (14 days)
Council: Contact your landlord (7 days)
Partner Citizens Advice: Give advice on rent arrears (21 days)
"""


@pytest.fixture(autouse=True)
def _texting_any_time(texting_any_time):
    """Texts go to the outbox at any hour."""


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def template(db, administrator):
    return services.save_template(
        actor=administrator,
        name="Housing plan for tests",
        plan_title="Your Personal Housing Plan",
        description="For tests",
        goals_text=HOUSING_PLAN,
    )


@pytest.fixture
def plan(officer, textable_resident, team, template):
    case = CaseFactory(resident=textable_resident, team=team, owner=officer)
    return services.create_plan(
        actor=officer,
        resident=textable_resident,
        title="",
        summary="Your landlord has given you notice.",
        case=case,
        template=template,
    )


def resident_action(plan, number: int = 0):
    return plan.actions.filter(owner_kind="resident").order_by("position", "id")[number]


def council_action(plan):
    return plan.actions.get(owner_kind="officer")


def texts_to(number: str) -> list[str]:
    return list(OutboxEntry.objects.filter(number=number).values_list("body", flat=True))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to commit (queuing texts), as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def shared(plan, officer, run_tasks, committed):
    """The plan shared; returns (link, token) with the link text delivered to the outbox."""
    with committed():
        link, token = services.share_plan(actor=officer, plan=plan)
    run_tasks()
    plan.refresh_from_db()
    return link, token


def latest_code(number: str) -> str:
    bodies = [body for body in texts_to(number) if "is your code" in body]
    return re.match(r"(\d{6})", bodies[-1]).group(1)


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
