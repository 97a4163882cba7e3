"""The public "How long might I wait?" page, the officer panel and the estimates table."""

import pytest
from django.urls import reverse

from doorstep.api import services as api_services
from doorstep.core import roles
from doorstep.housing.models import Estimate
from doorstep.residents.models import ExternalIdentifier

from ..factories import ResidentFactory, StaffFactory

pytestmark = pytest.mark.django_db

PUBLIC = "/housing/how-long/"


def test_public_page_needs_no_sign_in_and_offers_the_choices(client, bands):
    assert reverse("housing:estimate") == PUBLIC
    response = client.get(PUBLIC)
    assert response.status_code == 200
    page = response.content.decode()
    assert "How long might I wait for a home?" in page
    assert 'value="B"' in page and "2 bedrooms" in page
    assert "Swapping homes (mutual exchange)" in page and "Shared ownership" in page
    assert "Supported housing" in page and "Renting privately, with help" in page
    assert "Moving to another area" in page


def test_public_estimate_in_words_with_a_chart_and_why(client, register):
    response = client.get(PUBLIC, {"band": "B", "bedrooms": "2"})
    page = response.content.decode()
    assert "Band B, 2 bedrooms" in page
    assert "about 5 months" in page  # queue_months 4.5 rounds to 5
    assert "between 4 months and 6 months" in page
    assert "Within 1 year: <strong>90 in 100</strong>" in page
    assert 'style="width: 90%"' in page
    assert "Within 5 years: <strong>more than 99 in 100</strong>" in page
    # Past waits: median 365.25 days = 12 months; half between 6 and 24 months.
    assert "had waited <strong>about 12 months</strong>" in page
    assert "between 6 months and about 2 years".replace("about ", "") in page
    assert "Why is this?" in page
    assert "The council's usual formula gives <strong>3.5 months</strong>" in page


def test_public_page_shows_no_personal_data(client, register):
    resident = ResidentFactory(first_name="Philippa", last_name="Quartermaine")
    target = register["target"]
    target.resident = resident
    target.save()
    page = client.get(PUBLIC, {"band": "B", "bedrooms": "2"}).content.decode()
    for private in ["HRTEST1", "HRB1", "Philippa", "Quartermaine", "1985", "27 March"]:
        assert private not in page


def test_public_page_reads_only_a_few_queries(client, register, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(PUBLIC, {"band": "B", "bedrooms": "2"})


def test_thin_data_says_so_instead_of_a_number(client, register):
    Estimate.objects.filter(pk=register["estimate"].pk).update(
        queue_status="thin",
        queue_months=None,
        chance_1_year=None,
        chance_3_years=None,
        chance_5_years=None,
        lets_last_year=6,
        median_days=None,
        historic_count=4,
    )
    page = client.get(PUBLIC, {"band": "B", "bedrooms": "2"}).content.decode()
    assert "Not enough data to estimate the wait: only 6 homes of this size were let" in page
    assert "we need at least 10" in page
    assert "Not enough data: 4 households in this band" in page
    assert "Chance of an offer" not in page


def test_no_supply_is_said_honestly(client, register):
    Estimate.objects.filter(pk=register["estimate"].pk).update(
        queue_status="no_supply", supply=-3, council_months=None, queue_months=None
    )
    page = client.get(PUBLIC, {"band": "B", "bedrooms": "2"}).content.decode()
    assert (
        "No homes of this size became free for this band in the last year: we can't give "
        "an estimate" in page
    )
    assert "Chance of an offer" not in page


def test_no_figures_yet(client, bands):
    page = client.get(PUBLIC, {"band": "A", "bedrooms": "1"}).content.decode()
    assert "We do not have figures for this band and size yet" in page


def test_wrong_choices_are_explained(client, bands):
    response = client.get(PUBLIC, {"band": "Z", "bedrooms": "9"})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose your band" in page and "Choose how many bedrooms you need" in page


# --- Officers --------------------------------------------------------------------------------


def test_officer_sees_the_panel_for_a_linked_resident(officer_client, register):
    resident = ResidentFactory()
    ExternalIdentifier.objects.create(resident=resident, source="Housing register", value="HRTEST1")
    target = register["target"]
    target.resident = resident
    target.save()
    page = officer_client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert 'id="housing-panel-heading">Housing register' in page
    assert "HRTEST1: band B, 2 bedrooms" in page
    assert "5 (2 in higher bands, 3 earlier in band B)" in page
    assert "about 3 months" in page


def test_panel_finds_an_application_by_a_reference_added_after_the_upload(officer_client, register):
    resident = ResidentFactory()
    ExternalIdentifier.objects.create(resident=resident, source="Housing register", value="HRTEST1")
    page = officer_client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert "HRTEST1: band B" in page


def test_no_panel_without_an_application(officer_client, register):
    resident = ResidentFactory()
    ExternalIdentifier.objects.create(resident=resident, source="Academy", value="HRTEST1")
    page = officer_client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert "housing-panel-heading" not in page


def test_estimates_table_for_officers_only(client, officer_client, register):
    page = officer_client.get(reverse("housing:estimates")).content.decode()
    assert "Waiting times by band and size" in page
    assert "about 5 months" in page
    friend = StaffFactory(roles=[roles.DIGITAL_FRIEND])
    client.force_login(friend)
    assert client.get(reverse("housing:estimates")).status_code == 403


# --- API -------------------------------------------------------------------------------------


@pytest.fixture
def api_headers(db):
    _, raw = api_services.issue_token(actor=None, name="Housing register sync")
    return {"Authorization": f"Bearer {raw}"}


def test_api_gives_the_estimate(client, register, api_headers):
    response = client.get(
        "/api/v1/housing/estimates", {"band": "b", "bedrooms": 2}, headers=api_headers
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["band"] == "B" and item["bedrooms"] == 2 and item["status"] == "ok"
    assert item["estimate_months"] == 4.5
    assert item["council_formula_months"] == pytest.approx(3.5)
    assert item["chance_1_year"] == 0.9
    assert item["median_wait_days"] == 365.25
    stored = Estimate.objects.get(band__name="B", bedrooms=2)
    assert item["band_rank"] == stored.band.rank
    assert (item["p25_wait_days"], item["p75_wait_days"]) == (stored.p25_days, stored.p75_days)
    assert (item["estimate_low_months"], item["estimate_high_months"]) == (
        stored.queue_low_months,
        stored.queue_high_months,
    )
    assert client.get("/api/v1/housing/estimates", headers=api_headers).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"band": "Z"}, "band", "'Z' is not a band. Use one of: A, B, C, D"),
        (
            {"bedrooms": 9},
            "bedrooms",
            "Bedrooms must be a whole number from 1 to 5 (5 means 5 or more)",
        ),
        (
            {"bedrooms": 0},
            "bedrooms",
            "Bedrooms must be a whole number from 1 to 5 (5 means 5 or more)",
        ),
        ({"bedrooms": "two"}, "bedrooms", "Bedrooms must be a whole number"),
    ],
)
def test_api_refuses_unknown_bands_and_sizes(client, register, api_headers, params, field, message):
    response = client.get("/api/v1/housing/estimates", params, headers=api_headers)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", field]
    assert problem["msg"] == message


def test_api_needs_a_token(client, register):
    assert client.get("/api/v1/housing/estimates").status_code == 401
