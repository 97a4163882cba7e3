"""Who sees which document, the review queues and their counts, and overdue requests."""

import datetime

import pytest
from django.utils import timezone

from doorstep.core import roles
from doorstep.evidence import access, queries
from doorstep.evidence.models import RequestedDocument

from ..factories import CaseFactory, StaffFactory, TeamFactory
from .factories import DocumentTypeFactory, EvidenceRequestFactory, RequestedDocumentFactory
from .review_support import submitted


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Benefits", slug="benefits")


@pytest.fixture
def colleague(team):
    return StaffFactory(roles=[roles.OFFICER], teams=[team])


@pytest.fixture
def stranger(other_team):
    return StaffFactory(roles=[roles.OFFICER], teams=[other_team])


def _sent(**fields):
    """A sent document with no stored file (the queues only read rows)."""
    fields = {
        "status": RequestedDocument.Status.SUBMITTED,
        "submitted_at": timezone.now(),
        **fields,
    }
    return RequestedDocumentFactory(**fields)


# --- Visibility -----------------------------------------------------------------------------


def test_the_named_reviewer_their_team_and_the_asker_see_a_document(
    officer, colleague, stranger, administrator, digital_friend, team
):
    asker = StaffFactory(roles=[roles.OFFICER], teams=[TeamFactory()])
    document = _sent(
        request=EvidenceRequestFactory(created_by=asker), reviewer=officer, reviewer_team=team
    )
    assert access.can_see_document(officer, document)  # named reviewer
    assert access.can_see_document(colleague, document)  # in the reviewing team
    assert access.can_see_document(asker, document)  # asked for it
    assert access.can_see_document(administrator, document)  # may review any document
    assert not access.can_see_document(stranger, document)
    assert not access.can_see_document(digital_friend, document)


def test_a_document_for_a_named_officer_only_is_not_shown_to_their_team(officer, colleague):
    document = _sent(reviewer=officer)
    assert access.can_see_document(officer, document)
    assert not access.can_see_document(colleague, document)


def test_a_digital_friend_named_as_reviewer_still_sees_nothing(digital_friend, team):
    digital_friend.teams.add(team)
    document = _sent(reviewer=digital_friend, reviewer_team=team)
    assert not access.can_see_document(digital_friend, document)
    assert not access.may_use_reviews(digital_friend)


# --- Queues ---------------------------------------------------------------------------------


def test_mine_and_team_queues_hold_the_right_documents(officer, colleague, team, other_team):
    mine = _sent(reviewer=officer)
    claimed = _sent(reviewer_team=team, claimed_by=officer, claimed_at=timezone.now())
    for_team = _sent(reviewer_team=team)
    _sent(reviewer_team=other_team)
    RequestedDocumentFactory(reviewer=officer)  # not sent yet
    _sent(reviewer=officer, status=RequestedDocument.Status.ACCEPTED)  # decided

    assert set(queries.review_queue(officer, scope=queries.MINE)) == {mine, claimed}
    assert set(queries.review_queue(officer, scope=queries.TEAM)) == {claimed, for_team}
    assert set(queries.review_queue(colleague, scope=queries.MINE)) == set()
    assert queries.review_counts(officer) == {"mine": 2, "team": 2}
    assert queries.review_counts(colleague) == {"mine": 0, "team": 2}


def test_queues_sort_oldest_or_newest_first(officer):
    now = timezone.now()
    older = _sent(reviewer=officer)
    newer = _sent(reviewer=officer)
    RequestedDocument.objects.filter(pk=older.pk).update(
        submitted_at=now - datetime.timedelta(days=2)
    )
    RequestedDocument.objects.filter(pk=newer.pk).update(
        submitted_at=now - datetime.timedelta(days=1)
    )
    assert list(queries.review_queue(officer)) == [older, newer]
    assert list(queries.review_queue(officer, order=queries.NEWEST)) == [newer, older]


def test_queues_filter_by_document_type_and_case(officer, team):
    payslips = DocumentTypeFactory(name="Payslips for the filter")
    case = CaseFactory(team=team)
    payslip = _sent(reviewer=officer, document_type=payslips)
    on_case = _sent(reviewer=officer, request=EvidenceRequestFactory(case=case))
    assert list(queries.review_queue(officer, document_type_id=payslips.pk)) == [payslip]
    assert list(queries.review_queue(officer, case_id=case.pk)) == [on_case]
    choices = queries.queue_filter_choices(officer)
    assert payslips in choices["document_types"]
    assert (case.pk, case.reference) in choices["cases"]


def test_the_queue_reads_a_fixed_number_of_queries(officer, django_assert_max_num_queries):
    for _ in range(12):
        submitted(reviewer=officer, files=2)
    with django_assert_max_num_queries(1):
        rows = list(queries.review_queue(officer))
        # Everything the queue page shows, with no query per row.
        shown = [
            (
                row.document_type.name,
                row.request.resident.full_name,
                row.request.case,
                row.reviewer,
                row.reviewer_team,
                row.claimed_by,
                row.file_count,
                row.has_flags,
            )
            for row in rows
        ]
    assert len(shown) == 12
    assert all(row[6] == 2 for row in shown)


def test_counts_are_one_query(officer, django_assert_num_queries):
    _sent(reviewer=officer)
    officer.has_perm("evidence.review_document")  # permissions are cached on the user
    with django_assert_num_queries(1):
        assert queries.review_counts(officer)["mine"] == 1


def test_counts_are_zero_for_staff_who_do_not_review(digital_friend):
    _sent(reviewer=digital_friend)
    assert queries.review_counts(digital_friend) == {"mine": 0, "team": 0}


# --- Overdue --------------------------------------------------------------------------------


def test_overdue_requests_are_listed_with_what_is_missing(officer, colleague, team):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    mine = EvidenceRequestFactory(created_by=officer, team=team, due_date=yesterday)
    RequestedDocumentFactory(request=mine)
    RequestedDocumentFactory(request=mine)
    _sent(request=mine)
    teams = EvidenceRequestFactory(created_by=colleague, team=team, due_date=yesterday)
    EvidenceRequestFactory(created_by=officer, team=team)  # not due yet
    EvidenceRequestFactory(created_by=officer, due_date=yesterday, status="complete")

    own = list(queries.overdue_requests(officer))
    assert own == [mine]
    assert (own[0].waiting, own[0].to_review) == (2, 1)
    assert set(queries.overdue_requests(officer, scope=queries.TEAM)) == {mine, teams}
