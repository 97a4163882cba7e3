"""The demo's staff: two teams, one account per role that can sign in, and the colleagues who
own the rest of the work."""

from dataclasses import dataclass

from axes.utils import reset
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from doorstep.cases.models import CaseType
from doorstep.core import roles
from doorstep.core.demo_data import BENEFITS, HOUSING_NEEDS, TEAMS
from doorstep.core.models import Staff, Team

# Published in the README and printed by seed_demo: never load demo data on a live system.
DEMO_PASSWORD = "doorstep-demo-password"  # noqa: S105 - a published demo password
DEMO_DOMAIN = "demo.doorstep.example"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    teams: tuple[str, ...]


DEMO_ACCOUNTS = [
    DemoAccount(roles.OFFICER, f"officer@{DEMO_DOMAIN}", "Amara Okafor", (HOUSING_NEEDS, BENEFITS)),
    DemoAccount(
        roles.TEAM_LEADER, f"leader@{DEMO_DOMAIN}", "Daniel Hughes", (HOUSING_NEEDS, BENEFITS)
    ),
    DemoAccount(
        roles.ADMINISTRATOR, f"admin@{DEMO_DOMAIN}", "Fatima Begum", (HOUSING_NEEDS, BENEFITS)
    ),
    DemoAccount(roles.DIGITAL_FRIEND, f"friend@{DEMO_DOMAIN}", "Gareth Price", ()),
]
# Colleagues who own the rest of the work; they have no password and cannot sign in.
COLLEAGUES = [
    ("Grace Mensah", BENEFITS),
    ("Kemal Yilmaz", BENEFITS),
    ("Hannah Cohen", BENEFITS),
    ("Marcus Campbell", HOUSING_NEEDS),
    ("Aisha Rahman", HOUSING_NEEDS),
    ("Ewa Nowak", HOUSING_NEEDS),
]


@dataclass
class DemoStaff:
    accounts: dict[str, Staff]
    teams: dict[str, Team]
    # The demo officer's colleagues in each team, who own most of its cases.
    owners: dict[str, list[Staff]]
    case_types: dict[str, CaseType]

    @property
    def officer(self) -> Staff:
        return self.accounts[roles.OFFICER]

    @property
    def everyone(self) -> list[Staff]:
        """The demo officer first, then each team's colleagues."""
        return [self.officer, *(member for members in self.owners.values() for member in members)]


def ensure_teams() -> dict[str, Team]:
    teams = {}
    for slug, name in TEAMS.items():
        teams[slug], _ = Team.objects.get_or_create(slug=slug, defaults={"name": name})
    return teams


def ensure_accounts(teams: dict[str, Team]) -> dict[str, Staff]:
    """One account per role, switched on, unlocked, in its role and teams, with the demo
    password; looked up by e-mail, so running again puts them back as they were."""
    if Group.objects.filter(name__in=roles.ALL_ROLES).count() != len(roles.ALL_ROLES):
        roles.sync_roles()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
    accounts = {}
    # One hash for all four: the password is shared anyway, and hashing is slow on purpose.
    password_hash = make_password(DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        staff, _ = Staff.objects.get_or_create(
            email=account.email, defaults={"full_name": account.full_name}
        )
        staff.is_active = True
        staff.is_staff = account.role == roles.ADMINISTRATOR
        staff.password = password_hash
        staff.save()
        staff.groups.set([groups[account.role]])
        staff.teams.set([teams[slug] for slug in account.teams])
        accounts[account.role] = staff
    # Clear failed sign-ins so a locked-out demo account works again after a re-run.
    for account in DEMO_ACCOUNTS:
        reset(username=account.email)
    return accounts


def ensure_colleagues(teams: dict[str, Team]) -> dict[str, list[Staff]]:
    """Each team's colleagues, made once as officers without a usable password."""
    officers = Group.objects.get(name=roles.OFFICER)
    owners: dict[str, list[Staff]] = {slug: [] for slug in TEAMS}
    for full_name, slug in COLLEAGUES:
        email = f"{full_name.lower().replace(' ', '.')}@{DEMO_DOMAIN}"
        colleague, created = Staff.objects.get_or_create(
            email=email, defaults={"full_name": full_name}
        )
        if created:
            colleague.set_unusable_password()
            colleague.save(update_fields=["password"])
            colleague.groups.set([officers])
            colleague.teams.set([teams[slug]])
        owners[slug].append(colleague)
    return owners
