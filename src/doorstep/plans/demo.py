"""Demo data for shared plans: a few plans with the demo officer's residents, some shared
by text (the links arrive in the phone simulator), some with the resident's ticks and
comments, and an overdue council action for "My work". Called by `manage.py seed_demo`.

Everything goes through services.py, so each plan has the history, timeline events, audit
records and service events a real one has.
"""

import datetime
import random

from django.utils import timezone

from doorstep.cases import queries as case_queries
from doorstep.core import roles
from doorstep.messaging.services import NotTextable
from doorstep.residents.models import Resident

from . import services
from .models import Action, OwnerKind, PlanTemplate

PLANS = 6
SUMMARIES = [
    "Your landlord has given you a section 21 notice. The notice ends in eight weeks.",
    "You are staying with friends and can stay for about four more weeks.",
    "Your rent has gone up and you are behind by two months.",
]


def seed(*, seed: int, staff, newest: int) -> str:
    """The seed_demo hook: plans for up to PLANS of the `newest` residents, the demo officer's
    own residents first."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    officer = staff.accounts[roles.OFFICER]
    residents = list(Resident.objects.filter(merged_into=None).order_by("-id")[:newest])
    ids = {resident.pk for resident in residents}
    cases = {
        case.resident_id: case
        for case in case_queries.my_open_cases(officer).filter(resident_id__in=ids)
    }
    chosen = [r for r in residents if r.pk in cases][:PLANS]
    templates = list(PlanTemplate.objects.filter(is_active=True).order_by("name"))
    if not templates or not chosen:
        return "  No shared plans added (no templates or no demo officer's residents)"
    made = shared = 0
    for number, resident in enumerate(chosen):
        template = templates[number % len(templates)]
        plan = services.create_plan(
            actor=officer,
            resident=resident,
            title="",
            summary=rng.choice(SUMMARIES),
            case=cases[resident.pk],
            template=template,
        )
        made += 1
        if number % 2 == 0:
            try:
                services.share_plan(actor=officer, plan=plan)
            except NotTextable:
                continue
            shared += 1
            yours = list(plan.actions.filter(owner_kind=OwnerKind.RESIDENT))
            if yours:
                ticked = yours[0]
                services.set_action_status(
                    actor=None,
                    action=ticked,
                    version=ticked.version,
                    status=Action.Status.DONE,
                    by_resident=True,
                )
                services.add_comment(
                    actor=None,
                    action=ticked,
                    body="I dropped the letter at the front desk this morning.",
                    by_resident=True,
                )
        council = plan.actions.filter(owner_kind=OwnerKind.OFFICER).first()
        if council is not None and number % 3 == 0:
            # Left undone since last week, so the demo officer sees it in "My work".
            Action.objects.filter(pk=council.pk).update(
                due_date=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 6))
            )
    return f"  {made:,} shared plans added, {shared:,} of them texted to the resident"
