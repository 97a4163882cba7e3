"""The reviewers' pages: queue, document, files, accept and reject forms, overdue, My work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from doorstep.core import roles
from doorstep.core.formats import in_sentence
from doorstep.core.models import AuditEvent, TimelineEvent
from doorstep.evidence import services, tasks
from doorstep.evidence.models import RequestedDocument, UploadedFile

from ..dates import date_parts
from ..factories import StaffFactory, TeamFactory
from .factories import EvidenceRequestFactory, RequestedDocumentFactory
from .review_support import jpeg_bytes, stored_file, submitted

pytestmark = pytest.mark.usefixtures("texting_any_time")


@pytest.fixture
def document(officer, textable_resident, team):
    evidence_request = EvidenceRequestFactory(
        resident=textable_resident, created_by=officer, team=team
    )
    document = submitted(request=evidence_request, reviewer=officer, document_type="Photo ID")
    stored_file(document, pdf=True)
    return document


def _url(name, obj):
    return reverse(f"evidence:{name}", args=[obj.pk])


# --- Who may see ----------------------------------------------------------------------------


def test_the_reviewer_and_their_team_see_the_document_and_others_do_not(
    client, officer, team, document, digital_friend
):
    document.reviewer_team = team
    document.save()
    teammate = StaffFactory(roles=[roles.OFFICER], teams=[team])
    outsider = StaffFactory(roles=[roles.OFFICER], teams=[TeamFactory()])
    upload = document.files.first()
    expected = {officer: 200, teammate: 200, outsider: 404, digital_friend: 403}
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(_url("document", document)).status_code == status, person
        assert client.get(_url("file_content", upload)).status_code == status, person
        assert client.get(_url("document_accept", document)).status_code == status, person


def test_the_requesting_officer_sees_it_but_cannot_decide(client, team, document):
    asker = document.request.created_by
    document.reviewer = StaffFactory(roles=[roles.OFFICER], teams=[TeamFactory()])
    document.save()
    client.force_login(asker)
    page = client.get(_url("document", document))
    assert page.status_code == 200
    assert "Accept</a>" not in page.content.decode()
    assert client.get(_url("document_accept", document)).status_code == 403
    assert (
        client.post(_url("document_reject", document), {"reason": "unreadable"}).status_code == 403
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, document):
    response = client.get(_url("document", document))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- The document page and its files --------------------------------------------------------


def test_the_document_page_shows_images_and_pdfs_inline_and_is_audited(officer_client, document):
    image, pdf = document.files.order_by("id")
    page = officer_client.get(_url("document", document)).content.decode()
    assert f'<img src="{_url("file_content", image)}"' in page
    assert f'<iframe class="evidence-pdf" src="{_url("file_content", pdf)}"' in page
    assert _url("file_original", image) in page
    assert AuditEvent.objects.filter(
        action="view", object_type="requested_document", object_id=str(document.pk)
    ).exists()


def test_files_are_served_inline_decrypted_with_strict_headers(officer_client, document):
    image, pdf = document.files.order_by("id")
    response = officer_client.get(_url("file_content", image))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xff\xd8")  # a JPEG, decrypted
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    pdf_response = officer_client.get(_url("file_content", pdf))
    assert b"".join(pdf_response.streaming_content).startswith(b"%PDF")
    assert pdf_response["X-Frame-Options"] == "SAMEORIGIN"
    assert AuditEvent.objects.filter(object_type="uploaded_file", action="view").count() == 2


def test_the_original_downloads_as_an_attachment_and_is_audited(officer_client, document):
    image = document.files.order_by("id").first()
    response = officer_client.get(_url("file_original", image))
    assert response.status_code == 200
    day = timezone.localdate(image.uploaded_at).isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="Photo ID {day}.jpg"'
    assert response["Content-Type"] == "application/octet-stream"
    assert AuditEvent.objects.filter(
        object_type="uploaded_file", object_id=str(image.pk), action="export"
    ).exists()


def test_quarantined_files_are_never_shown(officer_client, document):
    infected = stored_file(document, status=UploadedFile.Status.INFECTED)
    page = officer_client.get(_url("document", document)).content.decode()
    assert _url("file_content", infected) not in page
    assert "failed the virus scan" in page
    assert officer_client.get(_url("file_content", infected)).status_code == 404
    assert officer_client.get(_url("file_original", infected)).status_code == 404


def test_downloads_are_named_by_doorstep_with_the_real_type(officer_client, document):
    disguised = stored_file(document, pdf=True, name="Payslip.pdf.hta")
    day = timezone.localdate(disguised.uploaded_at).isoformat()
    for name in ("file_original", "file_content"):
        response = officer_client.get(_url(name, disguised))
        assert response.status_code == 200
        assert f'filename="Photo ID {day}.pdf"' in response["Content-Disposition"], name
        assert "hta" not in response["Content-Disposition"]


@pytest.mark.parametrize("status", [UploadedFile.Status.RECEIVED, UploadedFile.Status.REFUSED])
def test_a_file_without_a_clean_scan_is_never_served(officer_client, document, status):
    unscanned = stored_file(document, status=status)
    for name in ("file_content", "file_original"):
        assert officer_client.get(_url(name, unscanned)).status_code == 404, name
    page = officer_client.get(_url("document", document)).content.decode()
    assert _url("file_original", unscanned) not in page


def test_with_the_scanner_unreachable_a_file_waits_for_a_virus_check(
    officer_client, officer, textable_resident, settings, tmp_path
):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    document = RequestedDocumentFactory(
        request=EvidenceRequestFactory(resident=textable_resident, created_by=officer),
        reviewer=officer,
    )
    upload = services.upload_file(document=document, filename="payslip.jpg", data=jpeg_bytes())
    assert tasks.process_file(upload.pk) == "retry"

    page = officer_client.get(_url("document", document)).content.decode()
    assert "waiting for a virus check" in page
    assert _url("file_original", upload) not in page
    assert _url("file_content", upload) not in page
    for name in ("file_content", "file_original"):
        assert officer_client.get(_url(name, upload)).status_code == 404, name


def test_reviewer_flags_are_shown_prominently(officer_client, document):
    stored_file(
        document,
        pdf=True,
        status=UploadedFile.Status.FLAGGED,
        flags=["This PDF contains JavaScript"],
    )
    page = officer_client.get(_url("document", document)).content.decode()
    assert (
        'govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>This PDF contains JavaScript'
        in page
    )


def test_claim_and_release_from_the_page(officer_client, officer, document):
    officer_client.post(_url("document_claim", document))
    document.refresh_from_db()
    assert document.claimed_by == officer
    assert (
        "You are reviewing this document"
        in officer_client.get(_url("document", document)).content.decode()
    )
    officer_client.post(_url("document_release", document))
    document.refresh_from_db()
    assert document.claimed_by is None


def test_someone_elses_claim_is_explained(client, team, document):
    document.reviewer_team = team
    document.save()
    holder = StaffFactory(roles=[roles.OFFICER], teams=[team], full_name="Priya Shah")
    services.claim(actor=holder, document=document)
    other = StaffFactory(roles=[roles.OFFICER], teams=[team])
    client.force_login(other)
    response = client.post(_url("document_claim", document), follow=True)
    assert "Priya Shah is reviewing this document" in response.content.decode()


# --- Accept and reject forms ----------------------------------------------------------------


def test_accepting_through_the_form(officer_client, document):
    response = officer_client.post(
        _url("document_accept", document),
        {
            "checklist": ["right_document", "readable", "complete"],
            "actual_kind": "passport",
            **date_parts("expires_on", "3 5 2031"),
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.ACCEPTED
    assert document.expires_on == datetime.date(2031, 5, 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"actual_kind": "payslip"}, "Confirm all three checks before accepting"),
        ({"checklist": ["readable"], "actual_kind": "payslip"}, "Confirm all three checks"),
        ({"checklist": ["right_document", "readable", "complete"]}, "Choose what the document is"),
        (
            {"checklist": ["right_document", "readable", "complete"], "actual_kind": "passport"},
            "Enter the date the passport expires",
        ),
        (
            {
                "checklist": ["right_document", "readable", "complete"],
                "actual_kind": "passport",
                **date_parts("expires_on", "31 2 2031"),
            },
            '<a href="#id_expires_on_day">The expiry date must be a real date</a>',
        ),
        (
            {
                "checklist": ["right_document", "readable", "complete"],
                "actual_kind": "passport",
                **date_parts("expires_on", "3  2031"),
            },
            '<a href="#id_expires_on_month">The expiry date must include a month</a>',
        ),
        (
            {
                "checklist": ["right_document", "readable", "complete"],
                "actual_kind": "passport",
                **date_parts("expires_on", "3 5 2001"),
            },
            "The expiry date is not in the future",
        ),
    ],
)
def test_the_accept_form_explains_each_mistake(officer_client, document, data, message):
    response = officer_client.post(_url("document_accept", document), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED


def test_rejecting_through_the_form_texts_the_resident(officer_client, document):
    response = officer_client.post(
        _url("document_reject", document),
        {"reason": "other", "other_reason": "Only the first page was sent"},
        follow=True,
    )
    assert "The resident has been texted the reason and a link" in response.content.decode()
    document.refresh_from_db()
    assert document.rejection_reason == "Only the first page was sent"


def test_photo_id_keeps_its_capitals_in_pages_and_the_text(officer_client, document):
    for name in ("document_accept", "document_reject"):
        page = officer_client.get(_url(name, document)).content.decode()
        verb = "Accept" if name == "document_accept" else "Reject"
        assert f"{verb} the photo ID" in page and "photo id" not in page
    officer_client.post(_url("document_claim", document))
    officer_client.post(
        _url("document_reject", document), {"reason": "other", "other_reason": "Blurred"}
    )
    text = document.request.resident.messages.get(body__contains="could not accept")
    assert "photo ID" in text.body and "photo id" not in text.body
    assert AuditEvent.objects.exists()
    summaries = TimelineEvent.objects.values_list("summary", flat=True)
    assert any("reviewing the photo ID" in summary for summary in summaries)
    assert not any("photo id" in summary for summary in summaries)


@pytest.mark.parametrize(
    ("name", "in_a_sentence"),
    [
        ("Photo ID", "photo ID"),
        ("Proof of address", "proof of address"),
        ("Universal Credit statement", "Universal Credit statement"),
        ("PIP award letter", "PIP award letter"),
        ("Passport", "passport"),
    ],
)
def test_document_names_in_a_sentence(name, in_a_sentence):
    assert in_sentence(name) == in_a_sentence


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the reason the document is rejected"),
        ({"reason": "other"}, "Type the reason the document is rejected"),
        ({"reason": "other", "other_reason": "x" * 301}, "300 characters or fewer"),
    ],
)
def test_the_reject_form_explains_each_mistake(officer_client, document, data, message):
    response = officer_client.post(_url("document_reject", document), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED


def test_a_decided_document_cannot_be_decided_again_from_the_forms(
    officer_client, officer, document
):
    services.reject(actor=officer, document=document, reason="unreadable")
    for name in ("document_accept", "document_reject"):
        response = officer_client.get(_url(name, document), follow=True)
        assert "A decision is final" in response.content.decode()
    response = officer_client.post(
        _url("document_accept", document),
        {"checklist": ["right_document", "readable", "complete"], "actual_kind": "payslip"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.REJECTED


# --- Queue, overdue, My work ----------------------------------------------------------------


def test_the_queue_page_lists_and_filters(officer_client, officer, document):
    other = submitted(reviewer=officer, document_type="Bank statements")
    page = officer_client.get(reverse("evidence:review_queue")).content.decode()
    assert "For me (2)" in page
    assert _url("document", document) in page and _url("document", other) in page
    filtered = officer_client.get(
        reverse("evidence:review_queue"), {"document_type": other.document_type_id}
    ).content.decode()
    assert _url("document", other) in filtered
    assert _url("document", document) not in filtered


def test_a_bad_filter_is_explained(officer_client, document):
    response = officer_client.get(reverse("evidence:review_queue"), {"document_type": "999999"})
    assert "Choose from the list" in response.content.decode()


def test_the_queue_page_reads_a_bounded_number_of_queries(
    officer_client, officer, django_assert_max_num_queries
):
    for _ in range(3):
        submitted(reviewer=officer)
    url = reverse("evidence:review_queue")
    officer_client.get(url)
    with django_assert_max_num_queries(16) as few:
        officer_client.get(url)
    for _ in range(10):
        submitted(reviewer=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        officer_client.get(url)


def test_overdue_requests_page(officer_client, officer):
    evidence_request = EvidenceRequestFactory(
        created_by=officer, due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    page = officer_client.get(reverse("evidence:overdue")).content.decode()
    assert escape(evidence_request.resident.full_name) in page


def test_my_work_shows_documents_to_review(officer_client, officer, team, document):
    submitted(reviewer_team=team)
    page = officer_client.get(reverse("cases:my_work")).content.decode()
    assert "Documents to review:" in page
    assert "1 for me</a> / <a" in page
    assert "1 for my teams</a>" in page
