"""The documents panel on the Single View."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.core import roles
from doorstep.evidence import panel, services
from doorstep.evidence.models import EvidenceRequest

from ..factories import CaseFactory, ResidentFactory, StaffFactory, TeamFactory
from .factories import EvidenceRequestFactory, RequestedDocumentFactory
from .review_support import submitted

pytestmark = pytest.mark.usefixtures("texting_any_time")


@pytest.fixture
def resident(db):
    return ResidentFactory()


def _accept_passport(officer, evidence_request, expires_on):
    document = submitted(request=evidence_request, reviewer=officer, document_type="Photo ID")
    services.accept(
        actor=officer,
        document=document,
        checklist=[key for key, _ in services.CHECKLIST],
        actual_kind="passport",
        expires_on=expires_on,
    )
    return document


def test_the_single_view_shows_open_requests_and_expiry_dates(officer_client, officer, resident):
    evidence_request = EvidenceRequestFactory(resident=resident, created_by=officer)
    RequestedDocumentFactory(request=evidence_request, document_type__name="Bank statements")
    ready = submitted(request=evidence_request, reviewer=officer, document_type="Medical evidence")
    _accept_passport(officer, evidence_request, datetime.date(2027, 5, 3))

    page = officer_client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert 'id="documents-title">Documents</h2>' in page
    assert "Bank statements:" in page and "waiting for the resident" in page
    assert reverse("evidence:document", args=[ready.pk]) in page
    assert "Passport expires 3 May 2027" in page


def test_expiry_dates_stay_after_the_request_is_complete(officer_client, officer, resident):
    evidence_request = EvidenceRequestFactory(resident=resident, created_by=officer)
    _accept_passport(officer, evidence_request, datetime.date(2027, 5, 3))
    evidence_request.refresh_from_db()
    assert evidence_request.status == EvidenceRequest.Status.COMPLETE
    page = officer_client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert "Passport expires 3 May 2027" in page
    assert "Asked for on" not in page  # no open request left


def test_a_document_the_officer_may_not_open_is_not_linked(client, officer, team, resident):
    evidence_request = EvidenceRequestFactory(resident=resident, created_by=officer)
    ready = submitted(request=evidence_request, reviewer=officer)
    other = StaffFactory(roles=[roles.OFFICER], teams=[TeamFactory()])
    client.force_login(other)
    page = client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert "sent, being reviewed" in page
    assert reverse("evidence:document", args=[ready.pk]) not in page


def test_the_panel_is_left_out_for_staff_without_evidence_permissions(rf, digital_friend, resident):
    request = rf.get("/")
    request.user = digital_friend
    assert panel.panel_context(request, resident) is None


def test_the_panel_reads_one_query_when_nothing_is_ready(
    rf, officer, resident, django_assert_num_queries
):
    EvidenceRequestFactory(resident=resident, created_by=officer)
    request = rf.get("/")
    request.user = officer
    officer.has_perm("evidence.review_document")  # permissions are cached on the user
    with django_assert_num_queries(1):
        context = panel.panel_context(request, resident)
    assert context["expiring"] == [] and context["today"] == timezone.localdate()


def test_officers_can_ask_for_documents_from_the_single_view_and_a_case(officer_client, team):
    evidence_request = EvidenceRequestFactory(resident=ResidentFactory())
    RequestedDocumentFactory(request=evidence_request)
    resident = evidence_request.resident
    page = officer_client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert reverse("evidence:ask", args=[resident.pk]) in page
    assert reverse("evidence:request", args=[evidence_request.pk]) in page

    case = CaseFactory(resident=resident, team=team)
    page = officer_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f"{reverse('evidence:ask', args=[resident.pk])}?case={case.pk}" in page
