"""Officer pages: asking for documents, the request page, stopping and resending the link,
uploading for the resident."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from doorstep.core import resident_links, roles
from doorstep.core.models import AuditEvent
from doorstep.evidence import links, services
from doorstep.evidence.models import EvidenceRequest, RequestedDocument, UploadedFile
from doorstep.messaging.models import Message

from ..dates import date_parts
from ..factories import CaseFactory, ResidentFactory, StaffFactory, TeamFactory
from . import requests_support as support
from .requests_support import ask, jpeg, link_in_text, pdf

# Shared fixtures (see requests_support.py).
amina = support.amina
medical = support.medical
own_cache = support.own_cache
payslips = support.payslips
second_officer = support.second_officer

pytestmark = pytest.mark.usefixtures("texting_any_time", "own_cache")


def _form(*types, due=None, **extra):
    due = due or timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "document_types": [str(t.pk) for t in types],
        **date_parts("due_date", due),
    }
    # As a browser sends the form: every reviewer list with its first choice.
    for document_type in types:
        data[f"reviewer_{document_type.pk}"] = "default" if document_type.default_team_id else "me"
    data.update(extra)
    return data


def test_the_ask_page_lists_document_types_with_reviewers(officer_client, amina, payslips, medical):
    page = officer_client.get(reverse("evidence:ask", args=[amina.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Ask for documents" in content
    assert "Payslips (test)" in content and "Medical letter (test)" in content
    assert "Medical assessments (the usual team)" in content
    assert AuditEvent.objects.filter(action="view", detail="Ask for documents").exists()


def test_an_officer_asks_for_two_documents_for_two_reviewers(
    officer_client, officer, amina, payslips, medical, second_officer
):
    response = officer_client.post(
        reverse("evidence:ask", args=[amina.pk]),
        _form(
            payslips,
            medical,
            **{
                f"note_{payslips.pk}": "The last 3 months",
                f"reviewer_{payslips.pk}": f"staff:{second_officer.pk}",
                f"reviewer_{medical.pk}": "default",
            },
        ),
    )
    evidence_request = EvidenceRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("evidence:request", args=[evidence_request.pk])
    items = {i.document_type: i for i in evidence_request.items.all()}
    assert items[payslips].reviewer == second_officer
    assert items[payslips].note == "The last 3 months"
    assert items[medical].reviewer_team == medical.default_team
    assert evidence_request.created_by == officer

    page = officer_client.get(response.url).content.decode()
    text = Message.objects.get(kind=Message.Kind.ONE_OFF)
    # The link is shown once, to read out or print, then never again.
    assert link_in_text(text) in page
    assert "shown only this once" in page
    assert link_in_text(text) not in officer_client.get(response.url).content.decode()
    assert "The link is being texted to Amina Khan" in page


def test_choosing_me_team_or_officer(officer_client, officer, amina, payslips, team):
    officer_client.post(
        reverse("evidence:ask", args=[amina.pk]),
        _form(payslips, **{f"reviewer_{payslips.pk}": f"team:{team.pk}"}),
    )
    assert EvidenceRequest.objects.get().items.get().reviewer_team == team
    officer_client.post(
        reverse("evidence:ask", args=[amina.pk]),
        _form(payslips, **{f"reviewer_{payslips.pk}": "me"}),
    )
    assert EvidenceRequest.objects.latest("pk").items.get().reviewer == officer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("no_types", "Choose at least one document to ask for"),
        ("past", "The due date must be today or in the future"),
        ("no_date", "Enter the date the documents are due"),
        ("half_date", '<a href="#id_due_date_month">The date the documents are due must include'),
        ("bad_date", '<a href="#id_due_date_day">The date the documents are due must be a real'),
        ("not_a_reviewer", "That person cannot review documents"),
        ("long_note", "The note must be 300 characters or fewer"),
    ],
)
def test_ask_errors(officer_client, amina, payslips, digital_friend, data, message):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    forms = {
        "no_types": _form(),
        "past": _form(payslips, due=yesterday),
        "no_date": {**_form(payslips), **date_parts("due_date", None)},
        "half_date": {**_form(payslips), "due_date_month": ""},
        "bad_date": {**_form(payslips), "due_date_day": "32"},
        "not_a_reviewer": _form(
            payslips, **{f"reviewer_{payslips.pk}": f"staff:{digital_friend.pk}"}
        ),
        "long_note": _form(payslips, **{f"note_{payslips.pk}": "x" * 301}),
    }
    response = officer_client.post(reverse("evidence:ask", args=[amina.pk]), forms[data])
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert not EvidenceRequest.objects.exists()


def test_a_resident_with_no_date_of_birth_is_explained(officer_client, payslips):
    resident = ResidentFactory(date_of_birth=None)
    page = officer_client.get(reverse("evidence:ask", args=[resident.pk])).content.decode()
    assert "has no date of birth on their record" in page
    response = officer_client.post(reverse("evidence:ask", args=[resident.pk]), _form(payslips))
    assert "Add" in response.content.decode() and "date of birth" in response.content.decode()
    assert not EvidenceRequest.objects.exists()


def test_asking_from_a_case(officer_client, amina, payslips):
    case = CaseFactory(resident=amina)
    page = officer_client.get(reverse("evidence:ask", args=[amina.pk]) + f"?case={case.pk}")
    assert case.reference in page.content.decode()
    officer_client.post(
        reverse("evidence:ask", args=[amina.pk]), _form(payslips, case=str(case.pk))
    )
    assert EvidenceRequest.objects.get().case == case


def test_a_resident_who_cannot_be_texted_gets_the_link_to_read_out(officer_client, payslips):
    resident = ResidentFactory(first_name="Bo", consents_to_text=True)  # no phone at all
    response = officer_client.post(
        reverse("evidence:ask", args=[resident.pk]), _form(payslips), follow=True
    )
    content = response.content.decode()
    assert "The link was not texted" in content
    assert "has no mobile number" in content
    assert "Read this link out" in content
    assert "/evidence/d/" in content


def test_the_request_page_shows_the_link_state_and_texts(officer_client, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    page = officer_client.get(reverse("evidence:request", args=[sent.evidence_request.pk]))
    content = page.content.decode()
    assert "Works until" in content
    assert "Payslips (test)" in content
    assert "Text from an officer" in content
    assert "Reminder" in content
    assert sent.token not in content
    assert AuditEvent.objects.filter(
        action="view", object_type="evidence_request", object_id=str(sent.evidence_request.pk)
    ).exists()


def test_stopping_and_resending_the_link(officer_client, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    pk = sent.evidence_request.pk
    response = officer_client.post(reverse("evidence:revoke", args=[pk]), follow=True)
    assert "The link has been stopped" in response.content.decode()
    assert "Stopped on" in response.content.decode()
    assert links.link_state(EvidenceRequest.objects.get(pk=pk)) == "revoked"

    response = officer_client.post(reverse("evidence:resend", args=[pk]), follow=True)
    content = response.content.decode()
    assert "A new link is being texted" in content
    assert "Works until" in content
    newest = Message.objects.filter(kind=Message.Kind.ONE_OFF).latest("pk")
    assert link_in_text(newest) in content
    assert resident_links.lookup(links.LINK, sent.token) is None


def test_a_locked_link_shows_on_the_request_and_a_new_link_unlocks_it(
    officer_client, officer, amina, payslips
):
    sent = ask(officer, amina, payslips)
    evidence_request = sent.evidence_request
    for _ in range(3):
        services.check_date_of_birth(
            evidence_request=evidence_request, date_of_birth=datetime.date(1990, 1, 1)
        )
    url = reverse("evidence:request", args=[evidence_request.pk])
    content = officer_client.get(url).content.decode()
    assert "Locked after 3 wrong dates of birth" in content
    assert "Text a new link" in content

    officer_client.post(reverse("evidence:resend", args=[evidence_request.pk]))
    evidence_request.refresh_from_db()
    assert not links.is_locked(evidence_request)
    assert "Locked after" not in officer_client.get(url).content.decode()


def test_an_officer_of_another_team_cannot_see_or_change_a_request(
    client, officer, amina, payslips
):
    sent = ask(officer, amina, payslips)
    pk = sent.evidence_request.pk
    stranger = StaffFactory(roles=[roles.OFFICER], teams=[TeamFactory(name="Benefits")])
    client.force_login(stranger)
    assert client.get(reverse("evidence:request", args=[pk])).status_code == 404
    assert client.post(reverse("evidence:revoke", args=[pk])).status_code == 404
    assert client.post(reverse("evidence:resend", args=[pk])).status_code == 404
    sent.evidence_request.refresh_from_db()
    assert links.link_state(sent.evidence_request) == links.LinkState.OPEN
    assert Message.objects.filter(kind=Message.Kind.ONE_OFF).count() == 1


def test_a_digital_friend_is_refused_a_request(client, digital_friend, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    client.force_login(digital_friend)
    assert (
        client.get(reverse("evidence:request", args=[sent.evidence_request.pk])).status_code == 403
    )


def test_resending_a_finished_request_says_why_not(officer_client, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    EvidenceRequest.objects.filter(pk=sent.evidence_request.pk).update(status="complete")
    response = officer_client.post(
        reverse("evidence:resend", args=[sent.evidence_request.pk]), follow=True
    )
    assert "This request is finished" in response.content.decode()


def test_an_officer_uploads_for_the_resident(officer_client, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    document = sent.evidence_request.items.get()
    url = reverse("evidence:assist_upload", args=[sent.evidence_request.pk, document.pk])
    assert "Upload payslips (test) for them" in officer_client.get(url).content.decode()

    response = officer_client.post(
        url,
        {
            "files": [SimpleUploadedFile("letter.pdf", pdf()), SimpleUploadedFile("a.jpg", jpeg())],
            "submit": "yes",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED
    assert set(document.files.values_list("uploaded_by", flat=True)) == {officer.pk}


def test_officer_upload_errors(officer_client, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    document = sent.evidence_request.items.get()
    url = reverse("evidence:assist_upload", args=[sent.evidence_request.pk, document.pk])
    empty = officer_client.post(url, {})
    assert empty.status_code == 400
    assert "Choose a photo or PDF file to upload" in empty.content.decode()
    bad = officer_client.post(url, {"files": [SimpleUploadedFile("notes.txt", b"hello")]})
    assert bad.status_code == 400
    assert "‘notes.txt’ is not a photo or a PDF" in bad.content.decode()
    assert not UploadedFile.objects.exists()


def test_digital_friends_cannot_ask_or_see_requests(
    client, digital_friend, officer, amina, payslips
):
    sent = ask(officer, amina, payslips)
    client.force_login(digital_friend)
    assert client.get(reverse("evidence:ask", args=[amina.pk])).status_code == 403
    assert client.post(reverse("evidence:ask", args=[amina.pk]), _form(payslips)).status_code == 403
    assert (
        client.get(reverse("evidence:request", args=[sent.evidence_request.pk])).status_code == 403
    )
    assert (
        client.post(reverse("evidence:revoke", args=[sent.evidence_request.pk])).status_code == 403
    )
    sent.evidence_request.refresh_from_db()
    assert sent.evidence_request.link_revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client, officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    for url in (
        reverse("evidence:ask", args=[amina.pk]),
        reverse("evidence:request", args=[sent.evidence_request.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
