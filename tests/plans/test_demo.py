"""The demo seed makes plans through the services, with their history."""

import pytest

from doorstep.core import audit
from doorstep.demo import services as demo_services
from doorstep.plans import demo
from doorstep.plans.models import Action, Plan, PlanChange

from ..factories import CaseFactory, PhoneFactory, ResidentFactory


@pytest.mark.django_db
def test_seed_makes_plans_for_the_demo_officers_residents():
    staff = demo_services.ensure_demo_staff()
    officer = staff.accounts["Officer"]
    team = officer.teams.first()
    for number in range(4):
        resident = ResidentFactory(consents_to_text=True)
        PhoneFactory(resident=resident, number=f"+4477009001{number:02d}")
        CaseFactory(resident=resident, team=team, owner=officer)
    message = demo.seed(seed=3, staff=staff, newest=4)
    assert "4 shared plans added, 2 of them texted" in message
    assert Plan.objects.count() == 4
    assert PlanChange.objects.filter(by_resident=True).exists()
    assert Action.objects.filter(owner_staff=officer, due_date__isnull=False).exists()
    assert audit.verify_chain().ok
