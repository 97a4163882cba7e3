"""Resident links, on the two link models the apps have: a plan's share link (its own row, a
texted code) and an evidence request (the link fields on the request, a date of birth)."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from doorstep.core import resident_links, tokens
from doorstep.core.resident_links import LinkKind, Refusal, SecondFactor
from doorstep.evidence.models import EvidenceRequest
from doorstep.plans.models import Plan, ResidentLink

from ..factories import ResidentFactory


@dataclass(frozen=True)
class Answer:
    ok: bool


def _right_answer(link, answer, request) -> Answer:
    return Answer(ok=answer == "123456")


PLAN_LINKS = LinkKind(
    name="test-plans",
    model=ResidentLink,
    session_prefix="test.plan-link.",
    session_minutes=30,
    guess_limit=3,
    link_guess_limit=2,
    lifetime_days="PLAN_LINK_DAYS",
    select_related=("plan",),
    second_factor=SecondFactor(url_name="plans:resident_start", check=_right_answer),
)

EVIDENCE_LINKS = LinkKind(
    name="test-evidence",
    model=EvidenceRequest,
    session_prefix="test.evidence-link:",
    session_minutes="EVIDENCE_LINK_SESSION_MINUTES",
    guess_limit="EVIDENCE_LINK_GUESS_LIMIT",
    token_pattern=r"[A-Za-z0-9_-]{20,64}",
    expires_field="link_expires_at",
    revoked_field="link_revoked_at",
    revoked_by_field="link_revoked_by",
    usable=lambda link: link.status == EvidenceRequest.Status.OPEN,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def plan(db):
    return Plan.objects.create(resident=ResidentFactory(), title="A plan")


@pytest.fixture
def issued(plan):
    return resident_links.issue(PLAN_LINKS, plan=plan)


def _request(address: str = "192.0.2.1"):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.session = SessionStore()
    return request


def test_issuing_keeps_only_the_hash_and_the_lifetime(issued, settings):
    link, token = issued.link, issued.token
    assert len(token) >= 32
    assert link.token_hash == tokens.hash_token(token) and token not in link.token_hash
    expected = timezone.now() + datetime.timedelta(days=settings.PLAN_LINK_DAYS)
    assert abs((link.expires_at - expected).total_seconds()) < 60


def test_a_kind_without_a_lifetime_needs_an_expiry(db):
    resident = ResidentFactory()
    with pytest.raises(ValueError, match="expires_at"):
        resident_links.issue(EVIDENCE_LINKS, resident=resident, due_date=timezone.localdate())
    until = timezone.now() + datetime.timedelta(days=3)
    issued = resident_links.issue(
        EVIDENCE_LINKS, expires_at=until, resident=resident, due_date=timezone.localdate()
    )
    assert issued.link.link_expires_at == until
    assert resident_links.find(EVIDENCE_LINKS, issued.token) == issued.link


def test_finding_by_token(issued):
    assert resident_links.find(PLAN_LINKS, issued.token) == issued.link
    assert resident_links.lookup(PLAN_LINKS, issued.token) == issued.link
    for wrong in ["", "short", issued.token[:-1] + "?", "x" * 40, "x" * 101]:
        assert resident_links.find(PLAN_LINKS, wrong) is None


def test_an_expired_link_is_not_found_but_can_be_looked_up(issued, settings):
    later = timezone.now() + datetime.timedelta(days=settings.PLAN_LINK_DAYS, seconds=1)
    with freeze_time(later):
        assert resident_links.find(PLAN_LINKS, issued.token) is None
        assert resident_links.lookup(PLAN_LINKS, issued.token) == issued.link
        assert not resident_links.is_open(PLAN_LINKS, issued.link)


def test_revoking_stops_a_link_once(issued, officer):
    link = issued.link
    assert resident_links.revoke(PLAN_LINKS, link, by=officer)
    assert link.revoked_at is not None and link.revoked_by == officer
    link.refresh_from_db()
    assert link.revoked_by == officer
    assert resident_links.find(PLAN_LINKS, issued.token) is None
    assert not resident_links.revoke(PLAN_LINKS, link, by=officer)
    # Someone who is not staff (the system) is not kept as who stopped it.
    other = resident_links.issue(PLAN_LINKS, plan=link.plan).link
    assert resident_links.revoke(PLAN_LINKS, other, by="the system")
    assert other.revoked_by is None


def test_reissuing_gives_a_new_token_and_starts_a_stopped_link(db, officer):
    request = EvidenceRequest.objects.create(
        resident=ResidentFactory(),
        due_date=timezone.localdate(),
        token_hash="0" * 64,
        link_expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    resident_links.revoke(EVIDENCE_LINKS, request, by=officer)
    until = timezone.now() + datetime.timedelta(days=14)
    token = resident_links.reissue(EVIDENCE_LINKS, request, expires_at=until)
    request.refresh_from_db()
    assert request.link_revoked_at is None and request.link_revoked_by is None
    assert request.link_expires_at == until
    assert resident_links.find(EVIDENCE_LINKS, token) == request


def test_a_further_condition_closes_a_link(db):
    issued = resident_links.issue(
        EVIDENCE_LINKS,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        resident=ResidentFactory(),
        due_date=timezone.localdate(),
        status=EvidenceRequest.Status.COMPLETE,
    )
    assert resident_links.lookup(EVIDENCE_LINKS, issued.token) == issued.link
    assert resident_links.find(EVIDENCE_LINKS, issued.token) is None


def test_guesses_are_counted_per_address(db):
    mine, theirs = _request("192.0.2.1"), _request("192.0.2.2")
    for _ in range(2):
        resident_links.count_guess(mine, PLAN_LINKS)
    assert not resident_links.guessing_blocked(mine, PLAN_LINKS)
    resident_links.count_guess(mine, PLAN_LINKS)
    assert resident_links.guessing_blocked(mine, PLAN_LINKS)
    assert not resident_links.guessing_blocked(theirs, PLAN_LINKS)
    # Each kind counts its own.
    assert not resident_links.guessing_blocked(mine, EVIDENCE_LINKS)


def test_guesses_are_counted_per_link_where_the_kind_says(issued):
    link, request = issued.link, _request()
    other = resident_links.issue(PLAN_LINKS, plan=link.plan).link
    for address in ["192.0.2.7", "192.0.2.8"]:
        resident_links.count_guess(_request(address), PLAN_LINKS, link)
    assert resident_links.guessing_blocked(request, PLAN_LINKS, link)
    assert not resident_links.guessing_blocked(request, PLAN_LINKS, other)
    assert not resident_links.guessing_blocked(request, PLAN_LINKS)


def test_a_wrong_answer_counts_against_the_link_and_a_right_one_opens_it(issued):
    link, request = issued.link, _request()
    assert not resident_links.confirm(request, PLAN_LINKS, link, "000000").ok
    assert not resident_links.has_session(request, PLAN_LINKS, link)
    assert resident_links.confirm(request, PLAN_LINKS, link, "123456").ok
    assert resident_links.has_session(request, PLAN_LINKS, link)
    resident_links.confirm(request, PLAN_LINKS, link, "000000")
    with pytest.raises(resident_links.TooManyGuesses):
        resident_links.confirm(_request(), PLAN_LINKS, link, "123456")


def test_a_session_is_for_one_link_one_browser_and_a_fixed_time(issued):
    link, request = issued.link, _request()
    other = resident_links.issue(PLAN_LINKS, plan=link.plan).link
    before = request.session.session_key
    resident_links.grant_session(request, PLAN_LINKS, link)
    assert request.session.session_key != before or before is None
    assert resident_links.has_session(request, PLAN_LINKS, link)
    assert not resident_links.has_session(request, PLAN_LINKS, other)
    assert not resident_links.has_session(_request(), PLAN_LINKS, link)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=29)):
        assert resident_links.has_session(request, PLAN_LINKS, link)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=31)):
        assert not resident_links.has_session(request, PLAN_LINKS, link)
    resident_links.end_session(request, PLAN_LINKS, link)
    assert not resident_links.has_session(request, PLAN_LINKS, link)


def test_a_new_token_for_the_same_row_needs_the_answer_again(db):
    issued = resident_links.issue(
        EVIDENCE_LINKS,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        resident=ResidentFactory(),
        due_date=timezone.localdate(),
    )
    request = _request()
    resident_links.grant_session(request, EVIDENCE_LINKS, issued.link)
    resident_links.reissue(EVIDENCE_LINKS, issued.link, expires_at=issued.link.link_expires_at)
    assert not resident_links.has_session(request, EVIDENCE_LINKS, issued.link)


def _refuse(request, refusal, link):
    return HttpResponse(str(refusal), status=429 if refusal == Refusal.TOO_MANY_GUESSES else 410)


def _page(request, link, token):
    return HttpResponse(f"link {link.pk}")


def test_a_page_with_a_second_factor_sends_people_without_a_session_to_it(issued):
    page = resident_links.resident_page(PLAN_LINKS, refuse=_refuse)(_page)
    start = resident_links.resident_page(PLAN_LINKS, refuse=_refuse, confirmed=False)(_page)
    request = _request()
    response = page(request, issued.token)
    assert response.status_code == 302
    assert response.url == reverse("plans:resident_start", args=[issued.token])
    assert start(request, issued.token).content.decode() == f"link {issued.link.pk}"
    resident_links.grant_session(request, PLAN_LINKS, issued.link)
    response = page(request, issued.token)
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_page_without_a_second_factor_opens_at_once(db):
    issued = resident_links.issue(
        EVIDENCE_LINKS,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        resident=ResidentFactory(),
        due_date=timezone.localdate(),
    )
    page = resident_links.resident_page(EVIDENCE_LINKS, refuse=_refuse)(_page)
    assert page(_request(), issued.token).status_code == 200


def test_a_page_refuses_unknown_closed_and_guessed_links(issued, officer):
    page = resident_links.resident_page(PLAN_LINKS, refuse=_refuse)(_page)
    request = _request()
    resident_links.grant_session(request, PLAN_LINKS, issued.link)
    resident_links.revoke(PLAN_LINKS, issued.link, by=officer)
    response = page(request, issued.token)
    assert response.status_code == 410 and response.content.decode() == Refusal.CLOSED
    assert not resident_links.has_session(request, PLAN_LINKS, issued.link)
    for _ in range(3):
        with pytest.raises(Http404):
            page(request, "n" * 32)
    response = page(request, issued.token)
    assert response.status_code == 429 and response.content.decode() == Refusal.TOO_MANY_GUESSES
