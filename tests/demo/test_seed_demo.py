import datetime
import io
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from doorstep.cases.models import Case, Task
from doorstep.core import audit, roles
from doorstep.core.demo_data.generator import MOBILE_RANGE, Generator
from doorstep.core.models import AuditEvent, Staff, TimelineEvent
from doorstep.demo import services
from doorstep.inclusion.models import HelpRequest, Match, Session, SkillsCheck
from doorstep.messaging.models import Message
from doorstep.plans.models import Plan
from doorstep.residents.models import (
    ExternalIdentifier,
    Flag,
    Household,
    HouseholdMember,
    Note,
    Phone,
    Resident,
)
from doorstep.residents.services import EDITABLE_FIELDS, clean_resident_data

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def wipe_residents() -> None:
    """Leave the database as it was before seeding, apart from the append-only audit log."""
    Case.objects.all().delete()
    Message.objects.all().delete()  # texts keep their resident: they go first
    # Plans and digital inclusion records protect their resident, so they go first too.
    Plan.objects.all().delete()
    Session.objects.all().delete()
    Match.objects.all().delete()
    HelpRequest.objects.all().delete()
    SkillsCheck.objects.all().delete()
    Resident.objects.all().delete()
    Household.objects.all().delete()
    TimelineEvent.objects.all().delete()


@pytest.fixture
def seeded():
    return seed(residents=50, seed=1)


def test_makes_one_demo_account_per_role_that_can_sign_in(client, seeded):
    for account in services.DEMO_ACCOUNTS:
        staff = Staff.objects.get(email=account.email)
        assert staff.role_names == [account.role]
        response = client.post(
            reverse("login"), {"username": account.email, "password": services.DEMO_PASSWORD}
        )
        assert response.status_code == 302, account.email
        assert client.session["_auth_user_id"] == str(staff.pk)
        client.logout()
    assert len(services.DEMO_PASSWORD) >= 12
    assert "officer@demo.doorstep.example" in seeded
    assert services.DEMO_PASSWORD in seeded


def test_demo_password_is_a_wrong_password_for_other_text(client, seeded):
    response = client.post(
        reverse("login"), {"username": services.DEMO_ACCOUNTS[0].email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_residents_hold_only_valid_data(seeded):
    residents = list(Resident.objects.prefetch_related("phones"))
    assert len(residents) == 50
    for resident in residents:
        data = {name: getattr(resident, name) for name in EDITABLE_FIELDS}
        data["phones"] = [phone.number for phone in resident.phones.all()]
        cleaned = clean_resident_data(data, resident=resident)
        # Already in the normal form the services store.
        for name in ("postcode", "national_insurance_number", "email"):
            assert cleaned[name] == getattr(resident, name)
        assert cleaned["phones"] == data["phones"]
        assert resident.postcode
        assert datetime.date(1935, 1, 1) <= resident.date_of_birth <= datetime.date(2007, 12, 31)
        for phone in resident.phones.all():
            assert re.fullmatch(r"\+447700900\d{3}|\+442079460\d{3}|\+441632960\d{3}", phone.number)
            assert phone.is_mobile == phone.number.startswith("+447700900")
        primaries = [phone for phone in resident.phones.all() if phone.is_primary]
        assert len(primaries) == (1 if data["phones"] else 0)
        if resident.consents_to_text:
            assert resident.text_consent_recorded_at is not None
            assert any(phone.is_mobile for phone in resident.phones.all())
    numbers = [r.national_insurance_number for r in residents if r.national_insurance_number]
    assert len(numbers) == len(set(numbers)) > 30
    # Realistic: most residents have a phone, but not all.
    with_phone = sum(1 for resident in residents if resident.phones.all())
    assert 25 < with_phone < 50


def _unrelated_sharing_a_number() -> list[str]:
    """Numbers held by residents of different homes (the people of one home may share)."""
    home = dict(HouseholdMember.objects.values_list("resident_id", "household_id"))
    holders = defaultdict(set)
    for resident_id, number in Phone.objects.values_list("resident_id", "number"):
        holders[number].add(home.get(resident_id, f"alone {resident_id}"))
    return sorted(number for number, homes in holders.items() if len(homes) > 1)


def test_no_two_unrelated_demo_residents_share_a_number(seeded):
    assert Phone.objects.exists()
    assert _unrelated_sharing_a_number() == []
    # Seeding again adds residents with numbers nobody has yet: 250 in all, about 195 with a
    # mobile, among whom numbers drawn at random from the 1,000 would surely meet.
    seed(residents=200, seed=2)
    assert _unrelated_sharing_a_number() == []


def test_demo_mobiles_are_given_once_and_run_out_after_the_drama_range():
    gen = Generator(3, None, timezone.now())
    gen.phone_numbers.add("+447700900500")  # already stored
    mobiles = [gen.mobile() for _ in range(1000)]
    assert "+447700900500" not in mobiles and mobiles[-1] == ""
    given = [number for number in mobiles if number]
    assert len(given) == len(set(given)) == 999
    assert all(number.startswith(MOBILE_RANGE) for number in given)
    # Homes' landlines: London's drama range, then 01632, each home its own.
    landlines = [gen.landline() for _ in range(2000)]
    assert len(set(landlines)) == 2000 and gen.landline() == ""


def test_households_have_a_lead_and_share_an_address(seeded):
    households = Household.objects.prefetch_related("members__resident")
    assert households.exists()
    for household in households:
        members = list(household.members.all())
        assert 2 <= len(members) <= 5
        assert [m.relationship for m in members].count(HouseholdMember.Relationship.LEAD) == 1
        assert len({m.resident.postcode for m in members}) == 1


def test_cases_on_both_teams_with_owners_from_the_team(seeded):
    cases = list(Case.objects.select_related("team", "owner", "case_type"))
    assert {case.team.name for case in cases} == {"Benefits", "Housing Needs"}
    for case in cases:
        assert re.fullmatch(rf"{case.case_type.reference_prefix}-\d{{6}}", case.reference)
        assert case.case_type.default_team == case.team
        if case.owner:
            assert case.owner.teams.filter(pk=case.team_id).exists()
        assert (case.status == Case.Status.CLOSED) == (case.closed_at is not None)
    prefixes = {case.case_type.reference_prefix for case in cases}
    assert prefixes <= {"HR", "HL", "BN", "CC"}
    assert len(prefixes) >= 3


def test_demo_officer_has_open_tasks_some_overdue(seeded):
    officer = Staff.objects.get(email="officer@demo.doorstep.example")
    open_tasks = Task.objects.filter(assignee=officer, is_done=False)
    assert open_tasks.count() >= 3
    due = sorted(Task.objects.filter(is_done=False).values_list("due_date", flat=True))
    today = datetime.date.today()
    assert due[0] < today + datetime.timedelta(days=2)
    assert all(task.done_at for task in Task.objects.filter(is_done=True))


def test_notes_flags_and_identifiers_are_made(seeded):
    assert Note.objects.exists()
    assert ExternalIdentifier.objects.exists()
    # Flags are rarer; across 50 people there are usually some, and each is active.
    assert all(flag.is_active for flag in Flag.objects.all())


def test_timeline_and_audit_match_what_the_services_write(seeded):
    for resident in Resident.objects.all():
        created = TimelineEvent.objects.filter(resident_id=resident.pk, kind="record")
        assert created.filter(summary__startswith="Record created").count() == 1
    for case in Case.objects.all():
        opened = TimelineEvent.objects.get(
            resident_id=case.resident_id,
            kind="case",
            source_type="cases.case",
            source_id=str(case.pk),
            summary__endswith="opened",
        )
        assert opened.url == case.get_absolute_url()
        assert opened.summary == f"{case.case_type.name} case {case.reference} opened"
        assert AuditEvent.objects.filter(
            object_type="case", object_id=str(case.pk), action="create"
        ).exists()
    for task in Task.objects.select_related("case"):
        assert TimelineEvent.objects.filter(
            kind="task", source_type="cases.task", source_id=str(task.pk)
        ).exists()
    # Spread over the past year, never in the future.
    times = list(TimelineEvent.objects.values_list("occurred_at", flat=True))
    now = datetime.datetime.now(datetime.UTC)
    assert max(times) <= now
    assert min(times) < now - datetime.timedelta(days=60)
    assert audit.verify_chain().ok
    assert AuditEvent.objects.filter(action="import", detail__contains="seed 1").count() == 1


def test_the_same_seed_gives_the_same_people():
    seed(residents=40, seed=123)
    first = services.demo_digest()
    wipe_residents()
    seed(residents=40, seed=123)
    assert services.demo_digest() == first
    wipe_residents()
    seed(residents=40, seed=124)
    assert services.demo_digest() != first


def test_if_empty_skips_residents_but_makes_the_staff():
    ResidentFactory()
    out = seed(residents=50, if_empty=True)
    assert Resident.objects.count() == 1
    assert "no demo residents were added" in out
    assert Staff.objects.filter(email__endswith="@demo.doorstep.example").count() >= 4


def test_if_empty_seeds_an_empty_database():
    seed(residents=20, seed=5, if_empty=True)
    assert Resident.objects.count() == 20


def test_running_again_resets_the_demo_accounts_and_adds_valid_residents(client):
    seed(residents=30, seed=9)
    officer = Staff.objects.get(email="officer@demo.doorstep.example")
    officer.set_password("something else entirely")
    officer.is_active = False
    officer.save()
    officer.groups.clear()
    # The same seed again: the same names, but NI numbers, identifiers and references stay unique.
    seed(residents=30, seed=9)
    officer.refresh_from_db()
    assert officer.is_active and officer.check_password(services.DEMO_PASSWORD)
    assert officer.role_names == [roles.OFFICER]
    assert Staff.objects.filter(email="officer@demo.doorstep.example").count() == 1
    assert Resident.objects.count() == 60
    numbers = list(
        Resident.objects.exclude(national_insurance_number="").values_list(
            "national_insurance_number", flat=True
        )
    )
    assert len(numbers) == len(set(numbers))
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert audit.verify_chain().ok


def test_a_negative_number_of_residents_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        seed(residents=-1)
    assert not Resident.objects.exists()


def test_demo_officer_sees_their_work_and_a_single_view(client, seeded):
    officer = Staff.objects.get(email="officer@demo.doorstep.example")
    client.force_login(officer)
    task = Task.objects.filter(assignee=officer, is_done=False).first()
    response = client.get(reverse("cases:my_work"))
    assert response.status_code == 200
    assert task.title in response.content.decode()
    resident = task.case.resident
    response = client.get(resident.get_absolute_url())
    assert response.status_code == 200
    assert task.case.reference in response.content.decode()
