"""Document evidence through the API."""

import datetime

import pytest
from django.utils import timezone

from doorstep.api import services as api_services
from doorstep.core import resident_links
from doorstep.core.models import AuditEvent
from doorstep.evidence import links, services, tasks
from doorstep.evidence.models import EvidenceRequest, UploadedFile

from ..api.conftest import ApiClient
from ..factories import CaseFactory, ResidentFactory
from . import hostile
from . import requests_support as support
from .requests_support import ask, jpeg, pdf

# Shared fixtures (see requests_support.py).
amina = support.amina
medical = support.medical
own_cache = support.own_cache
payslips = support.payslips
second_officer = support.second_officer

pytestmark = pytest.mark.usefixtures("texting_any_time", "own_cache")


@pytest.fixture
def api(client, db):
    _, raw = api_services.issue_token(actor=None, name="Housing system")
    return ApiClient(client, raw)


def _due(days=10) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_a_system_asks_for_documents_and_gets_the_link_once(
    api, amina, payslips, medical, second_officer
):
    response = api.post(
        f"/api/v1/residents/{amina.pk}/evidence-requests",
        {
            "documents": [
                {"document_type_id": payslips.pk, "reviewer_id": second_officer.pk, "note": "3"},
                {"document_type_id": medical.pk},
            ],
            "due_date": _due(),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["link_state"] == "open"
    assert body["text_sent"] is True and body["text_problem"] == ""
    assert "/evidence/d/" in body["link"]
    token = body["link"].rstrip("/").rsplit("/", 1)[1]
    assert resident_links.lookup(links.LINK, token).pk == body["id"]
    assert [d["document_type"] for d in body["documents"]] == [payslips.name, medical.name]
    assert body["documents"][0]["reviewer_id"] == second_officer.pk
    assert body["documents"][1]["reviewer_team_id"] == medical.default_team_id
    assert response["Location"] == f"/api/v1/evidence-requests/{body['id']}"
    evidence_request = EvidenceRequest.objects.get()
    assert evidence_request.created_by is None
    assert evidence_request.created_by_label.startswith("API: Housing system")

    again = api.get(f"/api/v1/evidence-requests/{body['id']}")
    assert again.status_code == 200
    assert "link" not in again.json()
    assert token not in again.content.decode()
    assert AuditEvent.objects.filter(action="view", object_type="evidence_request").exists()


@pytest.mark.parametrize(
    ("build", "loc", "message"),
    [
        (lambda ids: {"documents": [], "due_date": _due()}, ["body", "documents"], None),
        (
            lambda ids: {"documents": [{"document_type_id": 999999}], "due_date": _due()},
            None,
            "no document type",
        ),
        (
            lambda ids: {
                "documents": [{"document_type_id": ids["payslips"]}],
                "due_date": "2000-01-01",
            },
            ["body", "due_date"],
            "today or in the future",
        ),
        (
            lambda ids: {"documents": [{"document_type_id": ids["payslips"]}], "due_date": _due()},
            None,
            "no usual team",
        ),
        (
            lambda ids: {
                "documents": [{"document_type_id": ids["payslips"], "reviewer_id": 999999}],
                "due_date": _due(),
            },
            None,
            "no member of staff",
        ),
        (
            lambda ids: {
                "documents": [{"document_type_id": ids["payslips"], "reviewer_id": ids["friend"]}],
                "due_date": _due(),
            },
            ["body", "documents", 0, "reviewer_id"],
            "cannot review documents",
        ),
        (
            lambda ids: {
                "documents": [{"document_type_id": ids["payslips"], "reviewer_team_id": 999999}],
                "due_date": _due(),
            },
            None,
            "no team",
        ),
        (
            lambda ids: {
                "documents": [{"document_type_id": ids["payslips"], "reviewer_id": ids["officer"]}],
                "due_date": _due(),
                "case_id": ids["other_case"],
            },
            ["body", "case_id"],
            "resident's own cases",
        ),
    ],
)
def test_bad_requests_get_422_and_write_nothing(
    api, amina, payslips, officer, digital_friend, build, loc, message
):
    ids = {
        "payslips": payslips.pk,
        "friend": digital_friend.pk,
        "officer": officer.pk,
        "other_case": CaseFactory(resident=ResidentFactory()).pk,
    }
    response = api.post(f"/api/v1/residents/{amina.pk}/evidence-requests", build(ids))
    assert response.status_code == 422, response.json()
    detail = response.json()["detail"]
    if loc:
        assert any(item["loc"] == loc for item in detail), detail
    if message:
        assert any(message in item["msg"] for item in detail), detail
    assert not EvidenceRequest.objects.exists()


def test_unknown_and_merged_residents(api, payslips, officer):
    assert api.post("/api/v1/residents/999999/evidence-requests", {}).status_code in (404, 422)
    assert api.get("/api/v1/evidence-requests/999999").status_code == 404
    assert api.get("/api/v1/documents/999999").status_code == 404


def test_without_a_token_nothing_is_shown(client, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    anonymous = ApiClient(client, None)
    assert anonymous.get(f"/api/v1/evidence-requests/{sent.evidence_request.pk}").status_code == 401
    document = sent.evidence_request.items.get()
    assert anonymous.get(f"/api/v1/documents/{document.pk}/content").status_code == 401


def test_a_documents_details_and_its_checked_file(api, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    document = sent.evidence_request.items.get()
    sample = hostile.jpeg_with_gps_and_orientation()
    uploaded = services.upload_file(document=document, filename=sample.name, data=sample.data)

    waiting = api.get(f"/api/v1/documents/{document.pk}/content")
    assert waiting.status_code == 404
    assert "no checked copy" in waiting.json()["detail"]

    tasks.process_file(uploaded.pk)
    details = api.get(f"/api/v1/documents/{document.pk}")
    assert details.status_code == 200
    [shown] = details.json()["files"]
    assert shown["viewable"] is True and shown["mime"] == "image/jpeg"
    assert shown["sha256"] == uploaded.sha256

    content = api.get(f"/api/v1/documents/{document.pk}/content")
    assert content.status_code == 200
    assert content["Content-Type"] == "image/jpeg"
    assert content.content != sample.data  # the sanitised copy, never the original
    assert hostile.PLACE_TEXT.encode() not in content.content
    assert AuditEvent.objects.filter(
        action="view", object_type="uploaded_file", object_id=str(uploaded.pk)
    ).exists()


def test_a_document_with_several_files_needs_a_file_id(api, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    document = sent.evidence_request.items.get()
    first = services.upload_file(document=document, filename="a.jpg", data=jpeg())
    second = services.upload_file(document=document, filename="b.pdf", data=pdf())
    for uploaded in (first, second):
        tasks.process_file(uploaded.pk)
    response = api.get(f"/api/v1/documents/{document.pk}/content")
    assert response.status_code == 422
    assert "give file_id" in response.json()["detail"][0]["msg"]
    pdf_response = api.get(f"/api/v1/documents/{document.pk}/content", {"file_id": second.pk})
    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    day = timezone.localdate(second.uploaded_at).isoformat()
    assert pdf_response["Content-Disposition"] == (
        f'attachment; filename="{payslips.name} {day}.pdf"'
    )
    assert (
        api.get(f"/api/v1/documents/{document.pk}/content", {"file_id": 999999}).status_code == 404
    )


def test_a_quarantined_file_is_never_returned(api, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    document = sent.evidence_request.items.get()
    uploaded = services.upload_file(document=document, filename="a.jpg", data=jpeg())
    UploadedFile.objects.filter(pk=uploaded.pk).update(
        status=UploadedFile.Status.INFECTED, sanitised_path="sanitised/x.enc"
    )
    assert api.get(f"/api/v1/documents/{document.pk}/content").status_code == 404


def test_a_file_waiting_for_its_virus_check_is_never_returned(
    api, officer, amina, payslips, settings, tmp_path
):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    sent = ask(officer, amina, payslips)
    document = sent.evidence_request.items.get()
    uploaded = services.upload_file(document=document, filename="a.jpg", data=jpeg())
    assert tasks.process_file(uploaded.pk) == "retry"
    [shown] = api.get(f"/api/v1/documents/{document.pk}").json()["files"]
    assert shown["viewable"] is False
    waiting = api.get(f"/api/v1/documents/{document.pk}/content")
    assert waiting.status_code == 404
    assert "waiting for a virus check" in waiting.json()["detail"]


def test_the_schema_documents_the_endpoints(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/residents/{resident_id}/evidence-requests" in schema["paths"]
    assert "/api/v1/documents/{document_id}/content" in schema["paths"]
