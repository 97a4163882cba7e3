"""Realistic, reproducible demo data: a staff account for each role, residents with their
households, cases, tasks, notes, flags, timeline and audit records, then each capability's own
demo data. Each capability's `demo.py` seeds its part; this module runs them in order.

Residents and their cases are written in bulk (2,000 load in seconds) from one seeded
generator, so the same seed gives the same people: see `residents.demo` and `cases.demo`.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from doorstep.cases import demo as cases_demo
from doorstep.core import audit
from doorstep.core.demo_data.generator import Generator
from doorstep.core.demo_data.history import History
from doorstep.evidence import demo as evidence_demo
from doorstep.housing import demo as housing_demo
from doorstep.inclusion import demo as inclusion_demo
from doorstep.messaging import demo as messaging_demo
from doorstep.plans import demo as plans_demo
from doorstep.reporting import demo as reporting_demo
from doorstep.residents import demo as residents_demo
from doorstep.vulnerability import demo as vulnerability_demo

from .staff import (
    DEMO_ACCOUNTS,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DemoAccount,
    DemoStaff,
    ensure_accounts,
    ensure_colleagues,
    ensure_teams,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "SEEDERS",
    "DemoAccount",
    "DemoStaff",
    "SeedResult",
    "demo_digest",
    "ensure_demo_staff",
    "seed_capabilities",
    "seed_residents",
]

# After the residents and their cases, each capability adds its demo data through its own
# services, in this order: reporting after the others, so its figures include what they
# recorded; housing last, with the lettings and register figures for the waiting-time pages.
SEEDERS = [
    vulnerability_demo.seed,
    messaging_demo.seed,
    evidence_demo.seed,
    plans_demo.seed,
    inclusion_demo.seed,
    reporting_demo.seed,
    housing_demo.seed,
]


@dataclass
class SeedResult:
    seed: int
    people: residents_demo.People
    work: cases_demo.CaseWork
    timeline_events: int
    audit_records: int


@transaction.atomic
def ensure_demo_staff() -> DemoStaff:
    """Create (or bring back) the teams, case types and one staff account per role.

    Safe to run again: accounts are looked up by e-mail, put back in their role and teams,
    switched on, unlocked and given the demo password again.
    """
    teams = ensure_teams()
    return DemoStaff(
        accounts=ensure_accounts(teams),
        teams=teams,
        owners=ensure_colleagues(teams),
        case_types=cases_demo.ensure_case_types(teams),
    )


@transaction.atomic
def seed_residents(*, count: int, seed: int, staff: DemoStaff | None = None) -> SeedResult:
    """Add `count` residents and everything around them. The same seed gives the same people."""
    gen = Generator(seed, staff or ensure_demo_staff(), timezone.now())
    history = History()
    # In this order: each draws from the generator after the one before.
    people = residents_demo.seed_people(gen, history, count=count)
    work = cases_demo.seed_cases(gen, history, residents=people.residents)
    history.write()
    # One honest record, dated now, of what loaded all of the above.
    audit.record(
        actor="seed_demo",
        action="import",
        object_type="resident",
        detail=f"Demo data: {len(people.residents)} residents, seed {seed}",
    )
    return SeedResult(
        seed=seed,
        people=people,
        work=work,
        timeline_events=len(history.events),
        audit_records=len(history.audits) + 1,
    )


def seed_capabilities(*, seed: int, staff: DemoStaff, newest: int) -> Iterator[str]:
    """Run each capability's demo seeder for the `newest` residents, yielding its summary."""
    for seeder in SEEDERS:
        yield seeder(seed=seed, staff=staff, newest=newest)


def demo_digest() -> str:
    """A fingerprint of the people loaded, to check that a seed gives the same data twice."""
    return residents_demo.digest()
