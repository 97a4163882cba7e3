import pytest
from django.urls import reverse

from doorstep.core.models import AuditEvent
from doorstep.residents.models import Household, HouseholdMember

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_adding_someone_starts_a_household_with_the_resident_as_lead(officer_client):
    lead = ResidentFactory(last_name="Okafor")
    child = ResidentFactory(first_name="Ada", last_name="Okafor")
    response = officer_client.post(
        reverse("residents:add_household_member", args=[lead.pk]),
        {"reference": child.reference.lower(), "relationship": "child"},
    )
    assert response.status_code == 302
    assert HouseholdMember.objects.get(resident=lead).relationship == "lead"
    assert HouseholdMember.objects.get(resident=child).relationship == "child"
    page = officer_client.get(lead.get_absolute_url()).content.decode()
    assert "Ada Okafor" in page and "(child)" in page
    assert AuditEvent.objects.filter(object_type="household", resident_id=child.pk).exists()


@pytest.mark.parametrize(
    ("reference", "relationship", "message"),
    [
        ("", "child", "Enter the resident reference of the person to add"),
        ("R9999999", "child", "There is no resident with that reference"),
        ("banana", "child", "Enter a resident reference, like R0000123"),
        ("SELF", "", "Choose how they are related"),
    ],
)
def test_bad_household_additions_are_explained(officer_client, reference, relationship, message):
    lead = ResidentFactory()
    response = officer_client.post(
        reverse("residents:add_household_member", args=[lead.pk]),
        {
            "reference": lead.reference if reference == "SELF" else reference,
            "relationship": relationship,
        },
    )
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Household.objects.exists()


def test_a_person_is_in_one_household_at_a_time(officer_client):
    first, second, person = ResidentFactory(), ResidentFactory(), ResidentFactory()
    url = reverse("residents:add_household_member", args=[first.pk])
    officer_client.post(url, {"reference": person.reference, "relationship": "partner"})
    response = officer_client.post(
        reverse("residents:add_household_member", args=[second.pk]),
        {"reference": person.reference, "relationship": "partner"},
    )
    assert "is already in a household" in response.content.decode()
    assert Household.objects.count() == 1


def test_removing_the_last_member_removes_the_household(officer_client):
    lead, partner = ResidentFactory(), ResidentFactory()
    officer_client.post(
        reverse("residents:add_household_member", args=[lead.pk]),
        {"reference": partner.reference, "relationship": "partner"},
    )
    officer_client.post(reverse("residents:remove_household_member", args=[lead.pk, partner.pk]))
    assert not HouseholdMember.objects.filter(resident=partner).exists()
    officer_client.post(reverse("residents:remove_household_member", args=[lead.pk, lead.pk]))
    assert not Household.objects.exists()


def test_only_members_of_the_residents_household_can_be_removed(officer_client):
    lead, stranger = ResidentFactory(), ResidentFactory()
    response = officer_client.post(
        reverse("residents:remove_household_member", args=[lead.pk, stranger.pk])
    )
    assert response.status_code == 404
