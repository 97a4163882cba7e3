"""Demo data for management information: typical channel costs, satisfaction answers for some
demo cases (through the real survey service, so each has its survey.answered event), then the
rollups. Called by `manage.py seed_demo`."""

import random
from decimal import Decimal

from django.db import transaction

from doorstep.cases.models import Case

from . import rollups, survey
from .models import ChannelCost, CostSettings

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


@transaction.atomic
def seed(*, seed: int, staff, newest: int) -> str:
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    if not ChannelCost.objects.exists():
        for channel, values in DEMO_COSTS.items():
            ChannelCost.objects.create(channel=channel, **values)
        CostSettings.objects.update_or_create(
            pk=1,
            defaults={
                "price_per_fragment_pence": Decimal("2.27"),
                "monthly_overhead_pence": 250_000,
            },
        )
    answers = 0
    cases = list(Case.objects.select_related("team").order_by("-id")[: max(newest, 0)])
    answers_list = [answer for answer, _weight in ANSWER_WEIGHTS]
    weights = [weight for _answer, weight in ANSWER_WEIGHTS]
    for case in cases:
        if rng.random() > 0.3:
            continue
        invitation = survey.invite(service="demo_case", source=case, team=case.team)
        if invitation.answered:
            continue
        survey.answer(invitation=invitation, answer=rng.choices(answers_list, weights)[0])
        answers += 1
    days = rollups.refresh()
    return f"  {answers:,} satisfaction answers; costs set; {len(days):,} days rolled up"
