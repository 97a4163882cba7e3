"""The demo's year of history: every figure on the dashboard has a value in each of the last
twelve months, the same seed gives the same year, and the charts use the page's font."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from doorstep.core import roles
from doorstep.reporting import demo, figures, periods, queries
from doorstep.reporting.models import SurveyInvitation

from ..factories import StaffFactory


@pytest.fixture
def seeded(db):
    call_command("seed_demo", residents=30, seed=4, stdout=io.StringIO())


def _has_value(figure: figures.Figure, result) -> bool:
    if figure.breakdown:
        return any(row.value is not None for _label, row in result)
    return result.value is not None


def test_every_figure_has_a_value_in_each_of_the_last_twelve_months(seeded):
    today = timezone.localdate()
    months = periods.series(periods.containing(periods.MONTH, today), 12)
    computed = queries.compute_all(months, queries.Scope(today=today))
    missing = [
        f"{item.figure.slug} in {month.label}"
        for item in computed
        if not item.figure.snapshot
        for month, result in zip(months, item.results, strict=True)
        if not _has_value(item.figure, result)
    ]
    assert missing == []
    # Counts are more than a token zero, and texts, transactions and answers fill every month.
    by_slug = {item.figure.slug: item for item in computed}
    for slug in ("transactions_completed", "texts_sent", "satisfaction_answers"):
        item = by_slug[slug]
        for result in item.results:
            total = sum(r.value for _l, r in result) if item.figure.breakdown else result.value
            assert total > 0, slug


def test_digital_take_up_rises_over_the_year(seeded):
    today = timezone.localdate()
    months = periods.series(periods.containing(periods.MONTH, today), 12)
    first, last = months[0], months[-2]
    computed = queries.compute_all([first, last], queries.Scope(today=today), ["digital_take_up"])
    early, late = computed[0].results
    assert late.value > early.value


def test_satisfaction_answers_are_spread_over_the_year_with_their_invitations(seeded):
    answered = SurveyInvitation.objects.filter(answered=True)
    months = {moment.strftime("%Y-%m") for moment in answered.values_list("answered_at", flat=True)}
    assert len(months) >= 12


def test_the_same_seed_gives_the_same_year():
    now = timezone.make_aware(datetime.datetime(2025, 3, 14, 15, 9))
    first = demo.build_history(seed=8, team_ids=[1, 2], residents=50, now=now)
    again = demo.build_history(seed=8, team_ids=[1, 2], residents=50, now=now)
    other = demo.build_history(seed=9, team_ids=[1, 2], residents=50, now=now)
    assert first.events == again.events and first.answers == again.answers
    assert first.events != other.events
    moments = [event["occurred_at"] for event in first.events]
    assert max(moments) <= now
    assert min(moments) < now - datetime.timedelta(days=360)


def test_chart_text_uses_the_page_font(client, seeded):
    leader = StaffFactory(roles=[roles.TEAM_LEADER])
    client.force_login(leader)
    page = client.get(reverse("reporting:dashboard")).text
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert svgs
    for svg in svgs:
        texts = re.findall(r"<text[^>]*>", svg)
        assert texts
        for text in texts:
            assert 'font-family="inherit"' in text or "GDS Transport" in text, text


@pytest.mark.django_db
def test_the_demo_year_names_documents_as_the_catalogue_does():
    # Real events carry the catalogue's names ("Photo ID"); the demo's must read the same.
    from doorstep.evidence.models import DocumentType

    catalogue = set(DocumentType.objects.values_list("name", flat=True))
    assert set(demo.DOCUMENT_TYPES) <= catalogue
