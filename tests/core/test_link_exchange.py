"""A resident link's token is in an address once: the first visit (from the text) swaps it for
the browser's session and continues at a token-free address, so web server logs and Referer
headers of every later page never carry it."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from doorstep.core import resident_links
from doorstep.core.resident_links import CURRENT
from doorstep.evidence.links import LINK as EVIDENCE_LINK
from doorstep.plans import services as plan_services
from doorstep.plans.models import Plan

from ..factories import ResidentFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def plan_link(db):
    plan = Plan.objects.create(resident=ResidentFactory(), title="A plan")
    return resident_links.issue(plan_services.LINK, plan=plan)


@pytest.fixture
def evidence_link(db):
    return resident_links.issue(
        EVIDENCE_LINK,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        resident=ResidentFactory(),
        due_date=timezone.localdate(),
    )


@pytest.mark.parametrize(
    ("issued", "prefix", "wording"),
    [
        ("plan_link", "/plans/r/", "See your plan"),
        ("evidence_link", "/evidence/d/", "What is your date of birth?"),
    ],
)
def test_the_first_visit_swaps_the_token_for_the_session(request, issued, prefix, wording):
    token = request.getfixturevalue(issued).token
    phone = Client()  # a fresh phone, opening the link from the text
    first = phone.get(f"{prefix}{token}/")
    assert first.status_code == 302
    assert first.url == f"{prefix}{CURRENT}/" and token not in first.url
    page = phone.get(first.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert wording in content and token not in content
    assert page["Referrer-Policy"] == "same-origin"
    # Another browser without the link cannot use the token-free address.
    stranger = Client().get(f"{prefix}{CURRENT}/")
    assert stranger.status_code == 403
    assert "open the link in the text message" in stranger.content.decode()


def test_the_rest_of_the_address_and_its_query_are_kept(plan_link):
    phone = Client()
    response = phone.get(f"/plans/r/{plan_link.token}/code/?from=text")
    assert response.url == f"/plans/r/{CURRENT}/code/?from=text"


def test_a_new_token_ends_what_the_old_one_opened(plan_link):
    phone = Client()
    phone.get(f"/plans/r/{plan_link.token}/")
    resident_links.reissue(plan_services.LINK, plan_link.link)
    assert phone.get(f"/plans/r/{CURRENT}/").status_code == 403


def test_a_stopped_link_is_refused_at_the_token_free_address(plan_link, officer):
    phone = Client()
    phone.get(f"/plans/r/{plan_link.token}/")
    resident_links.revoke(plan_services.LINK, plan_link.link, by=officer)
    assert phone.get(f"/plans/r/{CURRENT}/").status_code == 410


def test_unknown_tokens_still_count_as_guesses_and_are_not_swapped(plan_link):
    response = Client().get("/plans/r/" + "n" * 32 + "/")
    assert response.status_code == 404
