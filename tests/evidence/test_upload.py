"""Keeping uploads: checks at once, encrypted storage, nothing half-written, sending documents."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent
from doorstep.evidence import services
from doorstep.evidence.filetypes import RefusedFile
from doorstep.evidence.models import RequestedDocument, UploadedFile
from doorstep.evidence.services import submissions
from doorstep.evidence.storage import evidence_storage
from doorstep.messaging.models import Message

from ..callbacks import work_queued
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


def _stored(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_an_upload_is_stored_encrypted_and_queued(
    document, evidence_files, django_capture_on_commit_callbacks
):
    data = jpeg()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        uploaded = services.upload_file(document=document, filename="IMG_0042.JPG", data=data)

    assert uploaded.status == UploadedFile.Status.RECEIVED
    assert uploaded.original_name == "IMG_0042.JPG"
    assert uploaded.size == len(data)
    assert "IMG_0042" not in uploaded.original_path
    [on_disk] = _stored(evidence_files)
    assert data not in on_disk.read_bytes()  # encrypted at rest
    assert evidence_storage().open(uploaded.original_path).read() == data
    assert len(work_queued(callbacks)) == 1  # the processing task, queued once the row is committed
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(args_kwargs__kwargs__file_id=uploaded.pk).exists()
    document.refresh_from_db()
    assert document.first_upload_at is not None
    first = ServiceEvent.objects.get(name="evidence.first_upload")
    assert first.attributes["document_type"] == "Payslips (test)"
    assert first.channel == "digital"
    assert AuditEvent.objects.filter(action="upload", object_id=str(uploaded.pk)).exists()


def test_the_type_comes_from_the_content_not_the_name(document, evidence_files):
    sample = hostile.executable_renamed_jpg()
    with pytest.raises(RefusedFile) as refused:
        services.upload_file(document=document, filename=sample.name, data=sample.data)
    assert sample.name in refused.value.message
    assert not UploadedFile.objects.exists()
    assert _stored(evidence_files) == []

    # A real PDF named like a photo is fine: the content decides.
    kept = services.upload_file(document=document, filename="scan.jpg", data=pdf())
    assert kept.status == UploadedFile.Status.RECEIVED


def test_size_is_checked_before_the_file_is_read(document, settings):
    settings.EVIDENCE_MAX_FILE_MB = 1
    big = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(RefusedFile, match="huge.jpg"):
        services.upload_file(document=document, filename=big.name, file=big)
    with pytest.raises(RefusedFile, match="empty"):
        services.upload_file(document=document, filename="nothing.jpg", data=b"")
    assert not UploadedFile.objects.exists()


def test_a_document_takes_only_its_number_of_files(document, payslips):
    for number in range(payslips.max_files):
        services.upload_file(document=document, filename=f"page{number}.jpg", data=jpeg())
    with pytest.raises(RefusedFile, match="up to 5 files"):
        services.upload_file(document=document, filename="one-more.jpg", data=jpeg())
    # Removing one makes room again.
    services.remove_file(uploaded_file=document.files.first())
    services.upload_file(document=document, filename="one-more.jpg", data=jpeg())
    assert document.files.exclude(status=UploadedFile.Status.REMOVED).count() == 5


def test_a_failed_storage_write_leaves_no_row(document, monkeypatch):
    def broken_save(self, name, content):
        raise OSError("The disk is full")

    monkeypatch.setattr(FileSystemStorage, "_save", broken_save)
    with pytest.raises(OSError):
        services.upload_file(document=document, filename="IMG_1.JPG", data=jpeg())
    assert not UploadedFile.objects.exists()
    assert not AuditEvent.objects.filter(action="upload").exists()


def test_a_failed_row_removes_the_stored_file(document, evidence_files, monkeypatch):
    def broken_create(*args, **kwargs):
        raise RuntimeError("The database went away")

    monkeypatch.setattr(UploadedFile.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        services.upload_file(document=document, filename="IMG_1.JPG", data=jpeg())
    assert _stored(evidence_files) == []


def test_removing_a_file_deletes_its_stored_copies(
    document, evidence_files, django_capture_on_commit_callbacks
):
    uploaded = services.upload_file(document=document, filename="wrong.jpg", data=jpeg())
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_file(uploaded_file=uploaded)
    uploaded.refresh_from_db()
    assert uploaded.status == UploadedFile.Status.REMOVED
    assert _stored(evidence_files) == []


def test_files_cannot_be_removed_or_added_once_the_document_is_sent(document):
    uploaded = services.upload_file(document=document, filename="a.jpg", data=jpeg())
    services.submit_document(document=document)
    with pytest.raises(ValidationError, match="has been sent"):
        services.remove_file(uploaded_file=uploaded)
    with pytest.raises(RefusedFile, match="already been sent"):
        services.upload_file(document=document, filename="b.jpg", data=jpeg())


@pytest.mark.parametrize("status", [UploadedFile.Status.REFUSED, UploadedFile.Status.INFECTED])
def test_a_file_that_could_not_be_used_cannot_be_removed(document, status):
    uploaded = services.upload_file(document=document, filename="bad.jpg", data=jpeg())
    UploadedFile.objects.filter(pk=uploaded.pk).update(status=status)
    uploaded.refresh_from_db()
    assert not uploaded.is_removable
    with pytest.raises(ValidationError, match="‘bad.jpg’ cannot be removed: it could not be used"):
        services.remove_file(uploaded_file=uploaded)
    uploaded.refresh_from_db()
    assert uploaded.status == status
    assert not AuditEvent.objects.filter(action="remove").exists()


def test_the_removal_rule_matches_what_the_page_offers(document):
    kept = services.upload_file(document=document, filename="a.jpg", data=jpeg())
    assert kept.is_removable  # received, document not sent
    UploadedFile.objects.filter(pk=kept.pk).update(status=UploadedFile.Status.READY)
    kept.refresh_from_db()
    assert kept.is_removable
    services.submit_document(document=document)
    kept.refresh_from_db()
    assert not kept.is_removable
    assert kept.removal_problem() == "‘a.jpg’ cannot be removed: the document has been sent"


def test_a_document_with_no_usable_file_cannot_be_sent(document):
    with pytest.raises(ValidationError, match="Send a photo or file"):
        services.submit_document(document=document)
    uploaded = services.upload_file(document=document, filename="a.jpg", data=jpeg())
    UploadedFile.objects.filter(pk=uploaded.pk).update(status=UploadedFile.Status.INFECTED)
    with pytest.raises(ValidationError, match="Send a photo or file"):
        services.submit_document(document=document)


def test_sending_the_last_document_stops_reminders_and_thanks_the_resident_once(sent):
    items = list(sent.evidence_request.items.order_by("pk"))
    for item in items:
        services.upload_file(document=item, filename="a.jpg", data=jpeg())
    assert Message.objects.filter(kind=Message.Kind.NUDGE, status=Message.Status.QUEUED).exists()

    assert services.submit_document(document=items[0]) is False
    assert not Message.objects.filter(kind=Message.Kind.SYSTEM).exists()
    assert services.submit_document(document=items[1]) is True

    assert not Message.objects.filter(
        kind=Message.Kind.NUDGE, status=Message.Status.QUEUED
    ).exists()
    thanks = Message.objects.get(kind=Message.Kind.SYSTEM)
    assert "Thank you" in thanks.body
    # Sending again does nothing more; the thanks is keyed to this set of documents.
    with pytest.raises(ValidationError):
        services.submit_document(document=items[1])
    submissions._all_sent(sent.evidence_request)
    assert Message.objects.filter(kind=Message.Kind.SYSTEM).count() == 1
    assert TimelineEvent.objects.filter(summary__contains="sent (1 file)").count() == 2


def test_submit_all_sends_every_document_with_files(sent, payslips):
    document = sent.evidence_request.items.get(document_type=payslips)
    services.upload_file(document=document, filename="a.jpg", data=jpeg())
    assert services.submit_all(evidence_request=sent.evidence_request) == ["Payslips (test)"]
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED


def test_an_officer_uploads_for_the_resident(officer, document):
    outcome = services.upload_for_resident(
        actor=officer,
        document=document,
        files=[
            ("letter.pdf", SimpleUploadedFile("letter.pdf", pdf())),
            ("notes.txt", SimpleUploadedFile("notes.txt", b"just text")),
        ],
        submit=True,
    )
    assert [f.original_name for f in outcome.kept] == ["letter.pdf"]
    assert len(outcome.refused) == 1 and "notes.txt" in outcome.refused[0]
    kept = outcome.kept[0]
    assert kept.uploaded_by == officer
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED
    assert ServiceEvent.objects.get(name="evidence.first_upload").channel == "assisted_digital"
    assert TimelineEvent.objects.filter(summary__contains="on the resident's behalf").exists()
