"""The resident's pages: the link, the date-of-birth check, uploading, removing and sending."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from freezegun import freeze_time

from doorstep.core.models import ServiceEvent
from doorstep.evidence import services, tasks
from doorstep.evidence.filetypes import safe_filename
from doorstep.evidence.models import EvidenceRequest, RequestedDocument, UploadedFile

from ..core.resident_browser import get, held
from ..dates import date_parts
from . import hostile
from . import requests_support as support
from .requests_support import ask, jpeg, pdf

# Shared fixtures (see requests_support.py).
amina = support.amina
medical = support.medical
own_cache = support.own_cache
payslips = support.payslips

pytestmark = pytest.mark.usefixtures("texting_any_time", "own_cache")


@pytest.fixture
def sent(officer, amina, payslips, medical):
    return ask(officer, amina, payslips, medical)


@pytest.fixture
def document(sent, payslips):
    return sent.evidence_request.items.get(document_type=payslips)


def _url(name: str, sent, *args) -> str:
    return reverse(f"evidence:{name}", args=[sent.token, *args])


def _confirm(client, sent) -> None:
    response = client.post(_url("link", sent), date_parts("date_of_birth", "27 3 1985"))
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def resident_client(client, sent):
    _confirm(client, sent)
    return client


def _upload(client, sent, document, *files, field="files"):
    return client.post(
        _url("link_upload", sent, document.pk),
        {field: [SimpleUploadedFile(name, data) for name, data in files]},
    )


def _page(client, sent) -> str:
    return get(client, _url("link", sent)).content.decode()


# --- The link -------------------------------------------------------------------------------


def test_a_wrong_token_is_a_plain_404(client, sent):
    response = client.get(reverse("evidence:link", args=["A" * 32]))
    assert response.status_code == 404
    assert b"expired" not in response.content and b"date of birth" not in response.content
    assert client.get("/evidence/d/short/").status_code == 404


def test_guessing_tokens_is_throttled_per_address(client, sent, settings):
    settings.EVIDENCE_LINK_GUESS_LIMIT = 5
    for number in range(5):
        assert client.get(reverse("evidence:link", args=[f"{number}" * 32])).status_code == 404
    blocked = client.get(reverse("evidence:link", args=["Z" * 32]))
    assert blocked.status_code == 429
    assert "Wait 15 minutes" in blocked.content.decode()
    # Even the right link waits, so guessing cannot be mixed with real use.
    assert get(client, _url("link", sent)).status_code == 429
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert get(other, _url("link", sent)).status_code == 200


def test_the_link_asks_for_the_date_of_birth_before_showing_anything(client, sent):
    page = get(client, _url("link", sent))
    assert page.status_code == 200
    content = page.content.decode()
    assert "What is your date of birth?" in content
    assert "Payslips" not in content and "Amina" not in content
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    # Other pages of the link send the visitor back to the check.
    document = sent.evidence_request.items.first()
    assert client.post(_url("link_submit", sent, document.pk)).status_code == 302
    assert get(client, _url("link_sent", sent)).url == held(_url("link", sent))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, '<a href="#id_date_of_birth_day">Enter your date of birth</a>'),
        (
            date_parts("date_of_birth", "27  1985"),
            '<a href="#id_date_of_birth_month">Your date of birth must include a month</a>',
        ),
        (date_parts("date_of_birth", "31 2 1985"), "Your date of birth must be a real date"),
        (date_parts("date_of_birth", "aa 3 1985"), "Your date of birth must be a real date"),
        (date_parts("date_of_birth", "123 3 1985"), "Your date of birth must be a real date"),
        (date_parts("date_of_birth", "27 3 85"), "Year must include 4 numbers"),
        (date_parts("date_of_birth", "1 1 2999"), "Your date of birth must be in the past"),
    ],
)
def test_date_of_birth_errors(client, sent, data, message):
    response = client.post(_url("link", sent), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    sent.evidence_request.refresh_from_db()
    assert sent.evidence_request.failed_checks == 0  # a badly typed date is not a wrong try


def test_three_wrong_dates_lock_the_link(client, sent):
    wrong = date_parts("date_of_birth", "1 1 1990")
    first = client.post(_url("link", sent), wrong).content.decode()
    assert "does not match our records" in first and "2 more tries" in first
    client.post(_url("link", sent), wrong)
    locked = client.post(_url("link", sent), wrong)
    assert locked.status_code == 429
    content = locked.content.decode()
    assert "This link is locked" in content
    assert "ask them to send you a new link" in content
    assert "What is your date of birth?" not in content
    # The right date does not open it while locked, from this browser or another, nor later.
    right = date_parts("date_of_birth", "27 3 1985")
    assert client.post(_url("link", sent), right).status_code == 429
    assert Client().post(_url("link", sent), right).status_code == 429
    with freeze_time(timezone.now() + datetime.timedelta(hours=2)):
        assert Client().post(_url("link", sent), right).status_code == 429


def test_the_right_date_opens_the_list_for_this_browser_only(client, sent):
    _confirm(client, sent)
    content = _page(client, sent)
    assert "Send your documents" in content
    assert "Payslips (test)" in content and "A photo of each of your last 3 payslips." in content
    assert 'accept="image/*,application/pdf"' in content
    assert 'capture="environment"' in content
    assert get(Client(), _url("link", sent)).content.decode().count("date of birth") >= 1


def test_the_session_for_a_link_runs_out(client, sent, settings):
    settings.EVIDENCE_LINK_SESSION_MINUTES = 0
    _confirm(client, sent)
    assert "What is your date of birth?" in _page(client, sent)


@pytest.mark.parametrize("state", ["expired", "revoked", "complete", "cancelled"])
def test_a_closed_link_explains_itself_and_how_to_get_a_new_one(client, sent, officer, state):
    evidence_request = sent.evidence_request
    if state == "expired":
        EvidenceRequest.objects.filter(pk=evidence_request.pk).update(
            link_expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    elif state == "revoked":
        services.revoke_link(evidence_request=evidence_request, actor=officer)
    else:
        EvidenceRequest.objects.filter(pk=evidence_request.pk).update(status=state)
    response = get(client, _url("link", sent))
    content = response.content.decode()
    if state == "complete":
        assert response.status_code == 200
        assert "Your documents have been accepted" in content
    else:
        assert response.status_code == 410
        assert "This link no longer works" in content
        assert "How to get a new link" in content
    assert "Payslips" not in content


# --- Uploading ------------------------------------------------------------------------------


def test_a_photo_and_a_pdf_go_in_and_show_as_being_checked(resident_client, sent, document):
    response = _upload(
        resident_client, sent, document, ("IMG_0042.JPG", jpeg()), ("payslip.pdf", pdf())
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#document-{document.pk}")
    assert document.files.count() == 2
    content = _page(resident_client, sent)
    assert "2 files added" in content
    assert "Checking your file" in content
    assert "IMG_0042.JPG" in content


def test_a_photo_from_the_camera_input_goes_in(resident_client, sent, document):
    _upload(resident_client, sent, document, ("image.jpg", jpeg()), field="photo")
    assert document.files.get().original_name == "image.jpg"


def test_nothing_chosen_says_so(resident_client, sent, document):
    resident_client.post(_url("link_upload", sent, document.pk), {})
    assert "Choose a photo or file for Payslips (test)" in _page(resident_client, sent)


def test_thumbnails_come_only_from_the_safe_copy_once_it_is_ready(resident_client, sent, document):
    _upload(resident_client, sent, document, ("IMG_0042.JPG", jpeg()))
    uploaded = document.files.get()
    preview = _url("link_thumbnail", sent, uploaded.pk)
    assert held(preview) not in _page(resident_client, sent)
    assert get(resident_client, preview).status_code == 404

    tasks.process_file(uploaded.pk)

    assert held(preview) in _page(resident_client, sent)
    response = get(resident_client, preview)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"
    assert "no-store" in response["Cache-Control"]
    # Another request's link cannot reach it.
    assert get(Client(), preview).status_code == 302


def test_good_and_hostile_files_in_one_go_keep_the_good_ones(resident_client, sent, document):
    bad_exe = hostile.executable_renamed_jpg()
    bad_html = hostile.html_named_pdf()
    response = _upload(
        resident_client,
        sent,
        document,
        ("IMG_0042.JPG", jpeg()),
        (bad_exe.name, bad_exe.data),
        ("payslip.pdf", pdf()),
        (bad_html.name, bad_html.data),
    )
    assert response.status_code == 302
    assert sorted(document.files.values_list("original_name", flat=True)) == [
        "IMG_0042.JPG",
        "payslip.pdf",
    ]
    content = _page(resident_client, sent)
    assert "There is a problem" in content
    assert f"‘{bad_exe.name}’ is not a photo or a PDF" in content
    assert f"‘{bad_html.name}’ is not a photo or a PDF" in content
    assert "2 files added" in content


def test_200_files_at_once_keep_what_the_document_allows_and_name_the_rest(
    resident_client, sent, document, payslips
):
    files = [(f"photo-{number:03d}.jpg", jpeg()) for number in range(200)]
    response = _upload(resident_client, sent, document, *files)
    assert response.status_code == 302
    assert document.files.count() == payslips.max_files == 5
    content = _page(resident_client, sent)
    assert "195 files were not sent" in content
    assert "you can send up to 5 files for Payslips (test)" in content
    assert "‘photo-005.jpg’" in content
    assert "You have added as many files as you can" in content


def test_a_file_over_the_size_limit_is_stopped_as_it_arrives(
    resident_client, sent, document, settings
):
    settings.EVIDENCE_MAX_FILE_MB = 1
    big = b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10)
    _upload(resident_client, sent, document, ("big.jpg", big), ("small.jpg", jpeg()))
    assert list(document.files.values_list("original_name", flat=True)) == ["small.jpg"]
    assert "‘big.jpg’ is bigger than 1 MB" in _page(resident_client, sent)


def test_a_bad_file_name_is_made_harmless(resident_client, sent, document):
    sample = hostile.bad_file_name()
    _upload(resident_client, sent, document, (sample.name, sample.data))
    name = document.files.get().original_name
    assert "/" not in name and "\\" not in name
    assert not re.search(r"[\x00-\x1f\u202e]", name)


@pytest.mark.parametrize("name", sorted(hostile.HOSTILE))
def test_the_hostile_corpus_through_the_upload_page(
    resident_client, sent, document, name, clamd_if_available
):
    """Each hostile file is refused with a message naming it, or kept only as a safe copy
    (flagged for the reviewer where it needs a closer look); a good file sent with it is kept."""
    sample = hostile.HOSTILE[name]()
    _upload(resident_client, sent, document, (sample.name, sample.data), ("good.jpg", jpeg()))

    names = set(document.files.values_list("original_name", flat=True))
    assert "good.jpg" in names
    for uploaded in document.files.all():
        tasks.process_file(uploaded.pk)
    hostile_rows = document.files.exclude(original_name="good.jpg")
    content = _page(resident_client, sent)
    if not hostile_rows.exists():
        assert "There is a problem" in content
        assert escape(safe_filename(sample.name)) in content
        return
    row = hostile_rows.get()
    if row.status in (UploadedFile.Status.REFUSED, UploadedFile.Status.INFECTED):
        assert row.problem
        assert "Could not be used" in content
        assert not row.sanitised_path
    elif row.status == UploadedFile.Status.FLAGGED:
        assert row.flags
    else:
        # Only the polyglot gets through, and only as a re-encoded picture.
        assert name == "jpeg_zip_polyglot" and row.status == UploadedFile.Status.READY
        from doorstep.evidence.storage import evidence_storage

        assert b"PK\x03\x04" not in evidence_storage().open(row.sanitised_path).read()


@pytest.fixture
def clamd_if_available(request):
    """The real clamd for the EICAR files when it is installed, so the scan catches them too."""
    from .servers import clamd_binary

    if request.node.callspec.params.get("name", "").startswith("eicar") and clamd_binary():
        return request.getfixturevalue("clamd")
    return None


def test_removing_a_file_before_sending(resident_client, sent, document):
    _upload(resident_client, sent, document, ("wrong.jpg", jpeg()), ("right.jpg", jpeg()))
    wrong = document.files.get(original_name="wrong.jpg")
    response = resident_client.post(_url("link_remove", sent, wrong.pk))
    assert response.status_code == 302
    wrong.refresh_from_db()
    assert wrong.status == UploadedFile.Status.REMOVED
    content = _page(resident_client, sent)
    assert "‘wrong.jpg’ removed" in content
    assert "right.jpg" in content


def test_a_file_that_could_not_be_used_has_no_remove_button_and_cannot_be_removed(
    resident_client, sent, document
):
    _upload(resident_client, sent, document, ("bad.jpg", jpeg()), ("good.jpg", jpeg()))
    bad = document.files.get(original_name="bad.jpg")
    good = document.files.get(original_name="good.jpg")
    UploadedFile.objects.filter(pk=bad.pk).update(
        status=UploadedFile.Status.REFUSED, problem="Not a photo"
    )
    content = _page(resident_client, sent)
    assert held(_url("link_remove", sent, good.pk)) in content
    assert held(_url("link_remove", sent, bad.pk)) not in content

    response = resident_client.post(_url("link_remove", sent, bad.pk))
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.status == UploadedFile.Status.REFUSED
    assert "‘bad.jpg’ cannot be removed" in _page(resident_client, sent)


def test_sending_each_document_then_the_confirmation_page(resident_client, sent, document, medical):
    other = sent.evidence_request.items.get(document_type=medical)
    _upload(resident_client, sent, document, ("IMG_0042.JPG", jpeg()))
    _upload(resident_client, sent, other, ("letter.pdf", pdf()))

    first = resident_client.post(_url("link_submit", sent, document.pk))
    assert first.url == _url("link", sent)
    assert "Payslips (test) sent" in _page(resident_client, sent)

    last = resident_client.post(_url("link_submit", sent, other.pk))
    assert last.url == _url("link_sent", sent)
    confirmation = get(resident_client, last.url).content.decode()
    assert "Documents sent" in confirmation
    assert "What happens next" in confirmation
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED


def test_the_confirmation_says_what_a_rejection_does_to_the_link(
    resident_client, sent, document, medical, officer
):
    other = sent.evidence_request.items.get(document_type=medical)
    for item, name, data in ((document, "IMG_0042.JPG", jpeg()), (other, "letter.pdf", pdf())):
        _upload(resident_client, sent, item, (name, data))
        resident_client.post(_url("link_submit", sent, item.pk))
    confirmation = get(resident_client, _url("link_sent", sent)).content.decode()
    assert "same link until the due date" not in confirmation
    assert "we will text you why and a new link to send it again" in confirmation
    assert "this link stops working" in confirmation

    # What the page promises is what a rejection does.
    document.refresh_from_db()
    decision = services.reject(actor=officer, document=document, reason="unreadable")
    assert decision.message is not None and "/evidence/d/" in decision.message.body
    assert get(resident_client, _url("link", sent)).status_code == 404


def test_sending_a_document_with_no_files_says_what_to_do(resident_client, sent, document):
    resident_client.post(_url("link_submit", sent, document.pk))
    assert "Send a photo or file for Payslips (test) first" in _page(resident_client, sent)


def test_a_rejected_document_shows_again_with_the_reason(resident_client, sent, document):
    RequestedDocument.objects.filter(pk=document.pk).update(
        status=RequestedDocument.Status.REJECTED,
        rejection_reason="We could not read it. The photo may be blurred.",
    )
    RequestedDocument.objects.create(
        request=sent.evidence_request, document_type=document.document_type, replaces=document
    )
    content = _page(resident_client, sent)
    assert "We could not accept what you sent before." in content
    assert "The photo may be blurred." in content
    assert content.count("Payslips (test)</h2>") == 1


def test_another_requests_documents_and_files_cannot_be_reached(
    resident_client, sent, officer, payslips
):
    from ..factories import ResidentFactory

    other = ask(officer, ResidentFactory(), payslips)
    their_document = other.evidence_request.items.get()
    their_file = services.upload_file(document=their_document, filename="x.jpg", data=jpeg())
    assert (
        resident_client.post(
            _url("link_upload", sent, their_document.pk),
            {"files": [SimpleUploadedFile("a.jpg", jpeg())]},
        ).status_code
        == 404
    )
    assert resident_client.post(_url("link_remove", sent, their_file.pk)).status_code == 404
    assert resident_client.post(_url("link_submit", sent, their_document.pk)).status_code == 404
    assert their_document.files.count() == 1


def test_uploads_need_the_page_token(sent, document):
    client = Client(enforce_csrf_checks=True)
    _confirm_with_csrf(client, sent)
    response = client.post(
        _url("link_upload", sent, document.pk), {"files": [SimpleUploadedFile("a.jpg", jpeg())]}
    )
    assert response.status_code == 403
    assert not document.files.exists()


def _confirm_with_csrf(client, sent):
    page = get(client, _url("link", sent)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        _url("link", sent),
        {**date_parts("date_of_birth", "27 3 1985"), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_the_progress_script_gets_a_plain_answer(resident_client, sent, document):
    response = resident_client.post(
        _url("link_upload", sent, document.pk),
        {"files": [SimpleUploadedFile("a.jpg", jpeg())]},
        headers={"X-Upload-Progress": "1"},
    )
    assert response.status_code == 204
    assert "1 file added" in _page(resident_client, sent)


def test_the_confirmation_asks_the_satisfaction_question_once_everything_is_sent(
    resident_client, sent, document, medical
):
    other = sent.evidence_request.items.get(document_type=medical)
    _upload(resident_client, sent, document, ("IMG_0042.JPG", jpeg()))
    resident_client.post(_url("link_submit", sent, document.pk))
    partial = get(resident_client, _url("link_sent", sent)).content.decode()
    assert "how did you feel about the service" not in partial

    _upload(resident_client, sent, other, ("letter.pdf", pdf()))
    resident_client.post(_url("link_submit", sent, other.pk))
    page = get(resident_client, _url("link_sent", sent)).content.decode()
    assert "Overall, how did you feel about the service you received today?" in page
    action = re.search(r'action="(/reporting/[^"]+)"', page).group(1)
    resident_client.post(action, {"answer": "4", "comment": "Quick"})

    answered = ServiceEvent.objects.get(name="survey.answered")
    assert answered.value == 4
    assert answered.attributes["service"] == "evidence_request"
    again = get(resident_client, _url("link_sent", sent)).content.decode()
    assert "how did you feel about the service" not in again
