import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import timeline
from doorstep.core.models import AuditEvent
from doorstep.residents import services
from doorstep.residents.models import Household, HouseholdMember, Resident

from ..dates import date_parts
from ..factories import CaseFactory, PhoneFactory, ResidentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_single_view_shows_details_household_cases_tasks_and_timeline(
    officer_client, officer, team
):
    resident = ResidentFactory(
        first_name="John", last_name="Smith", national_insurance_number="JH123456C"
    )
    PhoneFactory(resident=resident, number="+447700900982")
    partner = ResidentFactory(first_name="Jane", last_name="Smith")
    household = Household.objects.create()
    HouseholdMember.objects.create(household=household, resident=resident, relationship="lead")
    HouseholdMember.objects.create(household=household, resident=partner, relationship="partner")
    case = CaseFactory(resident=resident, team=team, owner=officer, reference="HR-000042")
    TaskFactory(case=case, title="Ask for payslips")
    services.add_flag(
        actor=officer, resident=resident, kind="safeguarding", description="Lives with a risk"
    )
    services.add_note(actor=officer, resident=resident, body="First contact by phone")

    response = officer_client.get(reverse("residents:detail", args=[resident.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "John Smith",
        "JH 12 34 56 C",
        "07700 900982",
        "Jane Smith",
        "HR-000042",
        "Ask for payslips",
        "Lives with a risk",
        "First contact by phone",
    ]:
        assert expected in page, expected


def test_every_view_of_a_resident_is_audited(officer_client, officer):
    resident = ResidentFactory()
    officer_client.get(reverse("residents:detail", args=[resident.pk]))
    officer_client.get(reverse("residents:detail", args=[resident.pk]))
    assert (
        AuditEvent.objects.filter(action="view", resident_id=resident.pk, actor=officer).count()
        == 2
    )


def test_timeline_is_newest_first_filterable_and_paged(officer_client, officer):
    resident = ResidentFactory()
    for number in range(30):
        services.add_note(actor=officer, resident=resident, body=f"Note number {number}")
    services.add_flag(
        actor=officer, resident=resident, kind="other", description="Prefers mornings"
    )
    url = reverse("residents:detail", args=[resident.pk])

    first_page = officer_client.get(url).content.decode()
    assert first_page.index("Other flag added") < first_page.index("Note number 29")
    assert "Note number 0" not in first_page

    notes_only = officer_client.get(url, {"kind": "note"}).content.decode()
    assert "Other flag added" not in notes_only
    assert "Note number 29" in notes_only

    second_page = officer_client.get(url, {"kind": "note", "page": 2}).content.decode()
    assert "Note number 0" in second_page
    assert "Note number 29" not in second_page


def test_timeline_refuses_unregistered_kinds(officer):
    with pytest.raises(ValueError, match="Unknown timeline event kind"):
        timeline.add_event(resident_id=1, kind="mystery", summary="?")


def test_adding_a_note_through_the_page(officer_client):
    resident = ResidentFactory()
    response = officer_client.post(
        reverse("residents:add_note", args=[resident.pk]), {"body": "Visited at home"}
    )
    assert response.status_code == 302
    assert "Visited at home" in officer_client.get(response.url).content.decode()


def test_an_empty_note_shows_the_error_and_writes_nothing(officer_client):
    resident = ResidentFactory()
    response = officer_client.post(reverse("residents:add_note", args=[resident.pk]), {"body": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the note" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page
    assert resident.notes.count() == 0


def test_creating_a_resident_through_the_form(officer_client):
    response = officer_client.post(
        reverse("residents:create"),
        {
            "first_name": "Ola",
            "last_name": "Nowak",
            "postcode": "n16 7ud",
            "phones": "07700 900 555\n",
            "preferred_contact": "text",
            **date_parts("date_of_birth", "5 4 1990"),
        },
    )
    assert response.status_code == 302
    page = officer_client.get(response.url).content.decode()
    assert "Ola Nowak" in page and "N16 7UD" in page and "07700 900555" in page
    assert Resident.objects.get(last_name="Nowak").date_of_birth == datetime.date(1990, 4, 5)


def test_the_form_asks_for_the_date_of_birth_in_three_boxes(officer_client):
    page = officer_client.get(reverse("residents:create")).content.decode()
    assert 'type="date"' not in page
    for part in ("day", "month", "year"):
        assert f'name="date_of_birth_{part}"' in page
        assert f'autocomplete="bday-{part}"' in page


@pytest.mark.parametrize(
    ("typed", "message", "first_box"),
    [
        ("31 2 1990", "Date of birth must be a real date", "day"),
        ("5  1990", "Date of birth must include a month", "month"),
        ("5 4 90", "Year must include 4 numbers", "year"),
    ],
)
def test_a_wrong_date_of_birth_is_explained_and_nothing_is_saved(
    officer_client, typed, message, first_box
):
    response = officer_client.post(
        reverse("residents:create"),
        {
            "first_name": "Ola",
            "last_name": "Nowak",
            "preferred_contact": "text",
            **date_parts("date_of_birth", typed),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_date_of_birth_{first_box}">{message}</a>' in page
    assert not Resident.objects.filter(last_name="Nowak").exists()


def test_a_date_of_birth_in_the_future_is_refused(officer_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = officer_client.post(
        reverse("residents:create"),
        {
            "first_name": "Ola",
            "last_name": "Nowak",
            "preferred_contact": "text",
            **date_parts("date_of_birth", tomorrow),
        },
    )
    assert "Date of birth must be in the past" in response.content.decode()
    assert not Resident.objects.filter(last_name="Nowak").exists()


def test_the_form_shows_every_error_and_keeps_what_was_typed(officer_client):
    response = officer_client.post(
        reverse("residents:create"),
        {
            "first_name": "Ola",
            "last_name": "",
            "postcode": "zz",
            "phones": "123",
            "national_insurance_number": "nope",
            "preferred_contact": "text",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the resident&#x27;s last name" in page
    assert "Enter a real postcode, like E8 1DY" in page
    assert "Phone number 1" in page
    assert "National Insurance number in the correct format" in page
    assert 'value="Ola"' in page


def test_editing_a_resident(officer_client):
    resident = ResidentFactory(
        first_name="Sam", last_name="Jones", date_of_birth=datetime.date(1984, 6, 3)
    )
    url = reverse("residents:edit", args=[resident.pk])
    form_page = officer_client.get(url).content.decode()
    assert 'value="Sam"' in form_page
    assert (
        'name="date_of_birth_day" type="text" inputmode="numeric" autocomplete="bday-day" value="3"'
        in form_page
    )
    response = officer_client.post(
        url,
        {
            "first_name": "Samuel",
            "last_name": "Jones",
            "preferred_contact": "phone",
            **date_parts("date_of_birth", "4 Jun 1984"),
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.first_name == "Samuel" and resident.preferred_contact == "phone"
    assert resident.date_of_birth == datetime.date(1984, 6, 4)


def test_merged_record_redirects_to_the_kept_one(officer_client):
    kept = ResidentFactory()
    merged = ResidentFactory(merged_into=kept)
    response = officer_client.get(reverse("residents:detail", args=[merged.pk]))
    assert response.status_code == 302 and response.url == kept.get_absolute_url()


@pytest.mark.parametrize("name", ["detail", "edit", "add_note", "add_flag"])
def test_digital_friends_cannot_see_resident_pages(client, digital_friend, name):
    resident = ResidentFactory()
    client.force_login(digital_friend)
    assert client.get(reverse(f"residents:{name}", args=[resident.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="view", resident_id=resident.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    resident = ResidentFactory()
    response = client.get(reverse("residents:detail", args=[resident.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_form_pages_do_not_nest_forms(officer_client):
    resident = ResidentFactory()
    for url in [reverse("residents:create"), reverse("residents:add_note", args=[resident.pk])]:
        page = officer_client.get(url).content.decode()
        # the page's own form and the sign-out button in the footer, nothing inside either
        assert page.count("<form") == 2, url
        assert page.count("csrfmiddlewaretoken") == 2, url


def test_the_single_view_needs_a_fixed_number_of_queries(
    officer_client, officer, team, django_assert_max_num_queries
):
    resident = ResidentFactory()
    PhoneFactory(resident=resident)
    for number in range(3):
        TaskFactory(
            case=CaseFactory(resident=resident, team=team, owner=officer), title=f"Task {number}"
        )
    for number in range(60):
        services.add_note(actor=officer, resident=resident, body=f"Note {number}")
    url = reverse("residents:detail", args=[resident.pk])
    officer_client.get(url)  # the first page of a session also remembers the two-factor check
    # 15 for the page (two of them savepoints around the audit record), then each capability's
    # panel: vulnerability 1, texts 2 (latest texts with the unread count, opt-outs), documents
    # 1 (a second only when one is ready to review), shared plan 1 (more, with the audit record,
    # only when there is a plan), the unread count beside "Texts" in the header 1, and digital
    # inclusion 3 (newest skills check, access needs, open help requests). A new
    # panel must raise this on purpose.
    with django_assert_max_num_queries(24):
        assert officer_client.get(url).status_code == 200
