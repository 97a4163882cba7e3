"""Asking for documents in a real browser: officer, resident on a phone, two reviewers.

An officer asks for two documents, each for a different reviewer; the resident opens the texted
link on a 375 px screen, confirms their date of birth, uploads a photo and a PDF and sends them;
the background worker checks the files; each reviewer sees only their own document; one accepts,
one rejects, and the resident is texted a new link to send the rejected one again. axe-core
checks every resident page.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from doorstep.core import roles
from doorstep.evidence.models import DocumentType, RequestedDocument, UploadedFile
from doorstep.messaging import sealing
from doorstep.messaging.models import Message, OutboxEntry

from ..evidence.hostile import jpeg_with_gps_and_orientation, plain_pdf
from ..factories import PhoneFactory, ResidentFactory, StaffFactory, TeamFactory
from .conftest import _new_page, assert_accessible, assert_no_horizontal_scrolling, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _texting_any_time(settings):
    settings.SMS_PROVIDER = "outbox"
    settings.SMS_QUIET_HOURS = ""
    settings.SMS_INBOX_HOURS = ""
    settings.SMS_OUTBOX_DELIVERY_SECONDS = 0


@pytest.fixture(autouse=True)
def _own_files_and_cache(settings, tmp_path):
    settings.EVIDENCE_STORAGE = "local"
    settings.EVIDENCE_LOCAL_DIR = tmp_path / "evidence"
    settings.EVIDENCE_KEY_FILE = tmp_path / "evidence_key"
    settings.EVIDENCE_ENCRYPTION_KEYS = ["7ZyUy4zCaFxUYJJEp8F2oi6Et5s6BJQlGox9jTsdjtw="]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "e2e"}
    }


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _link(message: Message) -> str:
    """The link as the resident's phone got it (staff only ever see it redacted)."""
    sent = OutboxEntry.objects.filter(reference=message.reference).first()
    received = sent.body if sent else sealing.unseal(message.sealed_body)
    return re.search(r"https?://\S+/evidence/d/[A-Za-z0-9_-]+/", received).group(0)


def test_documents_asked_for_uploaded_from_a_phone_and_reviewed_by_two_people(
    browser, page, live_server, e2e_officer, tmp_path, settings
):
    settings.PUBLIC_BASE_URL = live_server.url
    medical_team = TeamFactory(name="Medical assessments", slug="medical-assessments")
    rita = StaffFactory(
        email="rita@council.example",
        full_name="Rita Reviewer",
        roles=[roles.OFFICER],
        teams=[medical_team],
    )
    payslips = DocumentType.objects.update_or_create(
        name="Recent payslips",
        defaults={"guidance": "A photo of each of your last 3 payslips.", "max_files": 5},
    )[0]
    medical = DocumentType.objects.update_or_create(
        name="GP letter",
        defaults={"guidance": "A letter from your GP about your health.", "max_files": 5},
    )[0]
    amina = ResidentFactory(
        first_name="Amina",
        last_name="Khan",
        date_of_birth=datetime.date(1985, 3, 27),
        consents_to_text=True,
    )
    PhoneFactory(resident=amina, number="+447700900982", is_mobile=True, is_primary=True)

    # The officer asks for two documents, for two reviewers.
    sign_in(page, e2e_officer.email)
    page.goto(f"/evidence/residents/{amina.pk}/ask/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for documents")
    page.get_by_label("Recent payslips", exact=True).check()
    page.locator(f"#id_reviewer_{payslips.pk}").select_option("me")
    page.get_by_label("GP letter", exact=True).check()
    page.locator(f"#id_reviewer_{medical.pk}").select_option(f"staff:{rita.pk}")
    page.locator(f"#id_note_{medical.pk}").fill("From your GP, not the hospital")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents asked for")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The link is being texted to Amina Khan"
    )
    run_worker()
    text = Message.objects.get(kind=Message.Kind.ONE_OFF, resident=amina)
    assert text.status == Message.Status.DELIVERED
    link = _link(text)

    # The resident opens the link on a phone.
    context, phone = _new_page(browser, live_server, viewport={"width": 375, "height": 740})
    try:
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Send documents to")
        assert_accessible(phone)
        assert_no_horizontal_scrolling(phone, 375)
        phone.get_by_role("button", name="Continue").click()
        expect(phone.locator(".govuk-error-summary")).to_contain_text("Enter your date of birth")
        assert_accessible(phone)
        phone.get_by_label("Day").fill("27")
        phone.get_by_label("Month").fill("3")
        phone.get_by_label("Year").fill("1985")
        phone.get_by_role("button", name="Continue").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Send your documents")
        expect(phone.locator("body")).to_contain_text("From your GP, not the hospital")
        assert_accessible(phone)
        assert_no_horizontal_scrolling(phone, 375)

        photo = tmp_path / "IMG_0042.JPG"
        photo.write_bytes(jpeg_with_gps_and_orientation().data)
        letter = tmp_path / "gp-letter.pdf"
        letter.write_bytes(plain_pdf().data)

        payslips_item = RequestedDocument.objects.get(document_type=payslips)
        medical_item = RequestedDocument.objects.get(document_type=medical)
        section = phone.locator(f"#document-{payslips_item.pk}")
        section.get_by_label("Take a photo").set_input_files(str(photo))
        section.get_by_role("button", name="Add these files").click()
        expect(phone.locator(".govuk-notification-banner--success")).to_contain_text("1 file added")
        section = phone.locator(f"#document-{payslips_item.pk}")
        expect(section).to_contain_text("IMG_0042.JPG")
        expect(section).to_contain_text("Checking your file")
        assert_accessible(phone)
        section.get_by_role("button", name="Send recent payslips").click()
        expect(phone.locator(".govuk-notification-banner--success")).to_contain_text(
            "Recent payslips sent"
        )

        section = phone.locator(f"#document-{medical_item.pk}")
        section.get_by_label("Or choose photos or PDF files").set_input_files(str(letter))
        section.get_by_role("button", name="Add these files").click()
        expect(phone.locator(".govuk-notification-banner--success")).to_contain_text("1 file added")
        section = phone.locator(f"#document-{medical_item.pk}")
        expect(section).to_contain_text("gp-letter.pdf")
        section.get_by_role("button", name="Send GP letter").click()
        expect(phone.locator(".govuk-panel__title")).to_have_text("Documents sent")
        assert_accessible(phone)
        assert_no_horizontal_scrolling(phone, 375)

        # The background worker checks both files; the resident's page shows the preview.
        run_worker()
        assert set(UploadedFile.objects.values_list("status", flat=True)) == {"ready"}
        phone.goto(link)
        preview = phone.get_by_role("img", name="Preview of IMG_0042.JPG")
        expect(preview).to_be_visible()
        assert phone.evaluate("(img) => img.naturalWidth", preview.element_handle()) > 0
        assert_accessible(phone)
        phone.problems.assert_none()
    finally:
        context.close()

    # Each reviewer sees only their own document.
    page.goto("/evidence/review/?show=mine")
    queue = page.locator("main table")
    expect(queue).to_contain_text("Recent payslips")
    expect(queue).not_to_contain_text("GP letter")
    queue.get_by_role("link", name="Recent payslips").click()
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_role("button", name="Accept").click()
    for box in page.locator("input[name=checklist]").all():
        box.check()
    page.locator("#id_actual_kind").select_option(index=1)
    page.get_by_role("button", name="Accept the document").click()
    payslips_item.refresh_from_db()
    assert payslips_item.status == RequestedDocument.Status.ACCEPTED

    context, rita_page = _new_page(browser, live_server)
    try:
        sign_in(rita_page, rita.email)
        rita_page.goto("/evidence/review/?show=mine")
        queue = rita_page.locator("main table")
        expect(queue).to_contain_text("GP letter")
        expect(queue).not_to_contain_text("Recent payslips")
        queue.get_by_role("link", name="GP letter").click()
        rita_page.get_by_role("button", name="Start reviewing").click()
        rita_page.get_by_role("button", name="Reject and ask again").click()
        rita_page.locator("input[name=reason]").first.check()
        rita_page.get_by_role("button", name="Reject and ask again").click()
    finally:
        context.close()
    medical_item.refresh_from_db()
    assert medical_item.status == RequestedDocument.Status.REJECTED

    # The resident is texted the reason and a new link, which shows the document again.
    again = Message.objects.get(idempotency_key__contains=f":rejected:{medical_item.pk}")
    assert "could not accept your GP letter" in again.body
    new_link = _link(again)
    assert new_link != link
    context, phone = _new_page(browser, live_server, viewport={"width": 375, "height": 740})
    try:
        phone.goto(new_link)
        phone.get_by_label("Day").fill("27")
        phone.get_by_label("Month").fill("3")
        phone.get_by_label("Year").fill("1985")
        phone.get_by_role("button", name="Continue").click()
        expect(phone.locator("body")).to_contain_text("We could not accept what you sent before.")
        assert_accessible(phone)
        assert_no_horizontal_scrolling(phone, 375)
    finally:
        context.close()
