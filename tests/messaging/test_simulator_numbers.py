"""The phone simulator's page for a number: written as people write it, with no texts yet, or
not a number at all, it answers a page or a 404, never an error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_number_with_no_texts_shows_an_empty_phone(officer_client):
    response = officer_client.get("/messages/simulator/+447700900001/")
    assert response.status_code == 200
    assert "No texts to this number yet" in response.content.decode()


def test_a_national_number_leads_to_the_same_phone(officer_client):
    response = officer_client.get("/messages/simulator/07700900001/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "messaging:simulator_phone", args=["+447700900001"]
    )
    assert "07700 900001" in response.content.decode()


@pytest.mark.parametrize("number", ["1234567", "+999123456789", "00"])
def test_what_cannot_be_a_phone_number_is_not_found(officer_client, number):
    response = officer_client.get(reverse("messaging:simulator_phone", args=[number]))
    assert response.status_code == 404
