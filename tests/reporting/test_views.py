"""The dashboard, its exports, the open data and the costs page: who sees what, and bad input."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import roles
from doorstep.core.models import AuditEvent
from doorstep.reporting import survey
from doorstep.reporting.models import ChannelCost, CostSettings

from ..dates import date_parts
from ..factories import CaseFactory, StaffFactory, TeamFactory
from .conftest import answered, completed, started

DASHBOARD = "reporting:dashboard"


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Benefits", slug="benefits")


@pytest.fixture
def events(team, other_team):
    today = timezone.localdate()
    for _ in range(4):
        started(today, team=team)
    completed(today, "digital", team=team)
    completed(today, "phone", team=team)
    completed(today, "paper", team=team)
    # The other team: everything digital.
    started(today, team=other_team)
    completed(today, "digital", team=other_team)
    answered(today, 5, team=team)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_team_leader_sees_every_team(client, team_leader, events):
    client.force_login(team_leader)
    page = client.get(reverse(DASHBOARD))
    assert page.status_code == 200
    assert 'data-figure="digital_take_up" data-value="50.0"' in page.text  # 2 of 4
    assert 'data-figure="completion_rate" data-value="80.0"' in page.text  # 4 of 5
    assert "All teams" in page.text
    assert "<svg" in page.text and "<title" in page.text
    assert "not a comparison of efficiency between services" in page.text


def test_officer_sees_only_their_own_team(client, officer, other_team, events):
    client.force_login(officer)
    page = client.get(reverse(DASHBOARD))
    assert page.status_code == 200
    assert 'data-figure="digital_take_up" data-value="33.3"' in page.text  # 1 of 3
    assert "All teams" not in page.text
    refused = client.get(reverse(DASHBOARD), {"team": other_team.pk})
    assert "Choose a team from the list" in refused.text
    assert "data-figure" not in refused.text
    export = client.get(reverse("reporting:export_csv"), {"team": other_team.pk})
    assert export.status_code == 400


def test_officer_without_a_team_sees_no_figures(client, db):
    client.force_login(StaffFactory(roles=[roles.OFFICER]))
    page = client.get(reverse(DASHBOARD))
    assert page.status_code == 200
    assert "You are not in a team" in page.text
    assert "data-figure" not in page.text


def test_digital_friends_and_visitors_are_kept_out(client, digital_friend):
    for name in (DASHBOARD, "reporting:export_csv", "reporting:costs"):
        assert client.get(reverse(name)).status_code == 302
    client.force_login(digital_friend)
    for name in (DASHBOARD, "reporting:export_csv", "reporting:export_json", "reporting:costs"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "fortnight"}, "Choose a week, month, quarter or your own dates"),
        ({"period": "custom"}, "Enter the start date"),
        ({"period": "custom", "from_day": "1", "from_year": "2025"}, "Start date must include a month"),
        ({"period": "custom", "from_day": "31", "from_month": "2", "from_year": "2025",
          "to_day": "1", "to_month": "3", "to_year": "2025"}, "Start date must be a real date"),
        ({"period": "custom", "from_day": "1", "from_month": "3", "from_year": "2025",
          "to_day": "1", "to_month": "2", "to_year": "2025"},
         "End date must be the same as or after the start date"),
        ({"period": "custom", "from_day": "1", "from_month": "1", "from_year": "2020",
          "to_day": "1", "to_month": "3", "to_year": "2025"},
         "Choose dates no more than 2 years apart"),
        ({"period": "custom", "from_day": "1", "from_month": "1", "from_year": "2099",
          "to_day": "2", "to_month": "1", "to_year": "2099"},
         "Start date must be today or in the past"),
        ({"channel": "pigeon"}, "Choose a channel from the list"),
        ({"team": "999999"}, "Choose a team from the list"),
    ],
)  # fmt: skip
def test_bad_filters_are_explained(client, team_leader, query, message):
    client.force_login(team_leader)
    page = client.get(reverse(DASHBOARD), query)
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert message in page.text


def test_chosen_dates_and_periods(client, team_leader, events):
    client.force_login(team_leader)
    today = timezone.localdate()
    page = client.get(
        reverse(DASHBOARD),
        {"period": "custom", "from_day": today.day, "from_month": today.month,
         "from_year": today.year, "to_day": today.day, "to_month": today.month,
         "to_year": today.year},
    )  # fmt: skip
    assert 'data-figure="digital_take_up" data-value="50.0"' in page.text
    for kind in ("week", "quarter"):
        assert 'data-value="50.0"' in client.get(reverse(DASHBOARD), {"period": kind}).text
    earlier = client.get(reverse(DASHBOARD), {"period": "week", "on": "2001-01-01"})
    assert 'data-figure="digital_take_up" data-value=""' in earlier.text
    assert "no data" in earlier.text


def test_chosen_dates_keep_their_box_names_and_reach_the_export_links(client, team_leader, events):
    client.force_login(team_leader)
    today = timezone.localdate()
    query = {"period": "custom", **date_parts("from", today), **date_parts("to", today)}
    page = client.get(reverse(DASHBOARD), query).text
    # The boxes are still from_day ... to_year, so links shared before keep working.
    for part in ("day", "month", "year"):
        assert f'name="from_{part}"' in page and f'name="to_{part}"' in page
    export = re.search(r'href="([^"]+)" id="export-csv"', page).group(1)
    assert f"from_day={today.day}" in export and f"to_year={today.year}" in export


@pytest.mark.parametrize(
    ("typed", "target", "message"),
    [
        ("1  2025", "id_from_month", "Start date must include a month"),
        ("1 3 25", "id_from_year", "Year must include 4 numbers"),
        ("1 3 1999", "id_from_day", "Start date must be the same as or after 1 January 2000"),
    ],
)
def test_a_mistyped_start_date_is_linked_from_the_summary(
    client, team_leader, typed, target, message
):
    client.force_login(team_leader)
    query = {"period": "custom", **date_parts("from", typed), **date_parts("to", "1 4 2025")}
    page = client.get(reverse(DASHBOARD), query).text
    assert f'<a href="#{target}">{message}</a>' in page


def test_dates_left_in_the_boxes_are_ignored_for_a_month(client, team_leader, events):
    client.force_login(team_leader)
    page = client.get(reverse(DASHBOARD), {"period": "month", **date_parts("from", "31 2 20")})
    assert "There is a problem" not in page.text
    assert 'data-figure="digital_take_up"' in page.text


def test_exports_match_the_page(client, team_leader, events):
    client.force_login(team_leader)
    response = client.get(reverse("reporting:export_csv"), {"period": "month"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    month_end = max(row["period_end"] for row in rows)
    current = {
        row["figure"]: row
        for row in rows
        if row["period_end"] == month_end and not row["breakdown"]
    }
    assert current["digital_take_up"]["value"] == "50.0"
    assert current["completion_rate"]["volume"] == "5"
    assert len({row["period_start"] for row in rows}) == 6
    assert AuditEvent.objects.filter(action="export").exists()

    data = json.loads(client.get(reverse("reporting:export_json")).content)
    take_up = next(f for f in data["figures"] if f["figure"] == "digital_take_up")
    assert take_up["periods"][-1]["value"] == "50.0"

    for series in ("monthly", "quarterly", "rolling"):
        assert client.get(reverse("reporting:export_csv"), {"series": series}).status_code == 200
    assert client.get(reverse("reporting:export_csv"), {"series": "daily"}).status_code == 400


def test_open_data_has_the_four_kpis_and_no_free_text(client, db, team):
    invitation = survey.invite(service="evidence_request", source=CaseFactory(team=team))
    survey.answer(invitation=invitation, answer=2, comment="The secret free text")
    for fmt in ("csv", "json"):
        response = client.get(reverse(f"reporting:open_data_{fmt}"))
        assert response.status_code == 200
        assert "secret" not in response.content.decode()
    rows = _csv(client.get(reverse("reporting:open_data_csv")))
    assert {row["kpi"] for row in rows} == {
        "cost_per_transaction", "user_satisfaction", "completion_rate", "digital_take_up",
    }  # fmt: skip
    assert len(rows) == 4 * 12
    quarterly = json.loads(
        client.get(reverse("reporting:open_data_json"), {"series": "quarterly"}).content
    )
    assert len(quarterly["kpis"]) == 4 * 8
    assert set(quarterly["kpis"][0]) == {
        "kpi", "label", "unit", "period_start", "period_end", "value", "volume",
    }  # fmt: skip


def _costs(**changes):
    data = {}
    for channel in ("digital", "assisted_digital", "phone", "paper", "face_to_face"):
        data |= {f"{channel}_minutes": "0", f"{channel}_hourly": "0", f"{channel}_postage": "0"}
    data |= {"fragment_price": "2.27", "overhead": "1,200.50"}
    return data | changes


def test_administrator_sets_costs(admin_client_verified):
    url = reverse("reporting:costs")
    assert admin_client_verified.get(url).status_code == 200
    response = admin_client_verified.post(
        url, _costs(phone_minutes="12", phone_hourly="£30", paper_postage="1.20")
    )
    assert response.status_code == 302
    phone = ChannelCost.objects.get(channel="phone")
    assert (phone.staff_minutes, phone.cost_per_hour_pence) == (12, 3000)
    assert ChannelCost.objects.get(channel="paper").postage_pence == 120
    settings_row = CostSettings.objects.get()
    assert (str(settings_row.price_per_fragment_pence), settings_row.monthly_overhead_pence) == (
        "2.27",
        120050,
    )
    assert AuditEvent.objects.filter(object_type="channel_costs").exists()
    assert 'value="30.00"' in admin_client_verified.get(url).text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone_hourly": "thirty"}, "Enter a cost per hour in pounds, like 4.50"),
        ({"paper_postage": "1.234"}, "Enter a cost in pounds, like 4.50"),
        ({"paper_postage": "-1"}, "A cost must be 0 or more"),
        ({"paper_postage": ""}, "Enter a cost, like 4.50. Enter 0 if there is none"),
        ({"overhead": "200000"}, "A cost must be £100,000 or less"),
        ({"phone_minutes": "1.5"}, "Enter the minutes as a whole number, like 12"),
        ({"phone_minutes": ""}, "Enter the staff minutes for phone, like 12"),
        ({"fragment_price": "two"}, "Enter the price in pence, like 2.27"),
    ],
)
def test_bad_costs_are_explained_and_nothing_is_saved(admin_client_verified, changes, message):
    response = admin_client_verified.post(reverse("reporting:costs"), _costs(**changes))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert not ChannelCost.objects.exists()
    assert not CostSettings.objects.exists()


def test_team_leaders_cannot_set_costs(client, team_leader):
    client.force_login(team_leader)
    assert client.post(reverse("reporting:costs"), _costs()).status_code == 403
    assert not ChannelCost.objects.exists()
