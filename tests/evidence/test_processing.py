"""The background task that checks each upload: sanitised copy, thumbnail, scan, exactly once."""

import pytest
from django.core.files.storage import FileSystemStorage

from doorstep.core.models import AuditEvent, TimelineEvent
from doorstep.evidence import processing, services, tasks
from doorstep.evidence.models import RequestedDocument, UploadedFile
from doorstep.evidence.storage import evidence_storage

from . import hostile
from . import requests_support as support
from .requests_support import ask

# Shared fixtures (see requests_support.py).
amina = support.amina
own_cache = support.own_cache
payslips = support.payslips

pytestmark = pytest.mark.usefixtures("texting_any_time", "own_cache")


@pytest.fixture
def document(officer, amina, payslips):
    return ask(officer, amina, payslips).evidence_request.items.get()


def _upload(document, sample) -> UploadedFile:
    return services.upload_file(document=document, filename=sample.name, data=sample.data)


def _stored_names(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_photo_gets_a_safe_copy_and_a_thumbnail(document):
    uploaded = _upload(document, hostile.jpeg_with_gps_and_orientation())

    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.READY

    uploaded.refresh_from_db()
    assert uploaded.is_viewable
    assert uploaded.mime == "image/jpeg"
    assert uploaded.width and uploaded.height
    assert uploaded.sanitised_path == processing.sanitised_name(uploaded.pk)
    assert uploaded.thumbnail_path == processing.thumbnail_name(uploaded.pk)
    safe = evidence_storage().open(uploaded.sanitised_path).read()
    assert hostile.PLACE_TEXT.encode() not in safe
    assert b"GPS" not in safe
    assert evidence_storage().open(uploaded.original_path).read() == (
        hostile.jpeg_with_gps_and_orientation().data
    )
    assert AuditEvent.objects.filter(action="process", object_id=str(uploaded.pk)).count() == 1


def test_a_pdf_is_counted_and_active_content_is_flagged(document):
    plain = _upload(document, hostile.plain_pdf(pages=3))
    scripted = _upload(document, hostile.pdf_with_javascript())

    assert tasks.process_file(plain.pk) == UploadedFile.Status.READY
    assert tasks.process_file(scripted.pk) == UploadedFile.Status.FLAGGED
    plain.refresh_from_db()
    scripted.refresh_from_db()
    assert plain.pages == 3
    assert any("JavaScript" in flag for flag in scripted.flags)


def test_a_bomb_is_refused_with_a_message_and_no_safe_copy(document, evidence_files):
    uploaded = _upload(document, hostile.png_bomb())
    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.REFUSED
    uploaded.refresh_from_db()
    assert "‘" in uploaded.problem  # names the file, in words for the resident
    assert uploaded.sanitised_path == ""
    assert not any(name.startswith("sanitised") for name in _stored_names(evidence_files))


def test_a_second_run_of_a_processed_file_does_nothing(document):
    uploaded = _upload(document, hostile.png_photo())
    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.READY
    uploaded.refresh_from_db()
    first = (uploaded.processed_at, uploaded.processing_attempts)

    assert tasks.process_file(uploaded.pk) == "skipped"

    uploaded.refresh_from_db()
    assert (uploaded.processed_at, uploaded.processing_attempts) == first
    assert AuditEvent.objects.filter(action="process").count() == 1


def test_a_worker_killed_after_writing_files_is_finished_once_on_retry(
    document, evidence_files, monkeypatch
):
    """The run dies between the storage writes and the database update (here: the thumbnail
    write fails for real, as a full disk would); the retry overwrites what it left."""
    uploaded = _upload(document, hostile.jpeg_with_gps_and_orientation())
    real_save = FileSystemStorage._save
    calls = {"n": 0}

    def failing_save(self, name, content):
        calls["n"] += 1
        if name.startswith("thumbnails/"):
            real_save(self, name, content)  # the write lands, then the worker dies
            raise OSError("No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    with pytest.raises(OSError):
        tasks.process_file(uploaded.pk)
    uploaded.refresh_from_db()
    assert uploaded.status == UploadedFile.Status.RECEIVED
    assert uploaded.processing_attempts == 1
    left_behind = _stored_names(evidence_files)

    monkeypatch.setattr(FileSystemStorage, "_save", real_save)
    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.READY
    assert tasks.process_file(uploaded.pk) == "skipped"

    uploaded.refresh_from_db()
    assert uploaded.status == UploadedFile.Status.READY
    assert uploaded.processing_attempts == 2
    # The same three stored files as the killed run left: nothing doubled.
    assert _stored_names(evidence_files) == left_behind
    assert len(left_behind) == 3
    assert AuditEvent.objects.filter(action="process").count() == 1


def test_a_file_removed_while_it_was_processed_keeps_no_copy(document, evidence_files, monkeypatch):
    uploaded = _upload(document, hostile.png_photo())
    real_finish = processing._finish

    def remove_first(file_id, **kwargs):
        services.remove_file(uploaded_file=UploadedFile.objects.get(pk=file_id))
        return real_finish(file_id, **kwargs)

    monkeypatch.setattr(processing, "_finish", remove_first)
    assert tasks.process_file(uploaded.pk) == "skipped"
    uploaded.refresh_from_db()
    assert uploaded.status == UploadedFile.Status.REMOVED


def test_an_infected_file_is_quarantined_and_everyone_is_told(document, clamd, evidence_files):
    uploaded = _upload(document, hostile.eicar_in_pdf())

    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.INFECTED

    uploaded.refresh_from_db()
    assert uploaded.scan_signature
    assert uploaded.sanitised_path == "" and uploaded.thumbnail_path == ""
    assert not uploaded.is_viewable
    assert "virus check" in uploaded.problem
    assert not any(name.startswith("sanitised") for name in _stored_names(evidence_files))
    event = TimelineEvent.objects.get(summary__contains="quarantined")
    assert event.resident_id == document.request.resident_id


def test_a_clean_file_passes_the_scan(document, clamd):
    uploaded = _upload(document, hostile.plain_pdf())
    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.READY


def test_when_the_scanner_is_down_the_file_waits_and_is_not_passed(document, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    uploaded = _upload(document, hostile.png_photo())

    assert tasks.process_file(uploaded.pk) == "retry"

    uploaded.refresh_from_db()
    assert uploaded.status == UploadedFile.Status.RECEIVED
    assert uploaded.sanitised_path == ""
    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.filter(args_kwargs__kwargs__file_id=uploaded.pk).latest(
        "enqueued_at"
    )
    assert retry.run_after is not None


def test_a_sent_document_whose_files_all_fail_goes_back_to_the_resident(document):
    uploaded = _upload(document, hostile.truncated_jpeg())
    services.submit_document(document=document)
    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.REFUSED
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.AWAITING


def test_files_whose_task_was_lost_are_queued_again(document, run_tasks):
    uploaded = _upload(document, hostile.png_photo())  # on_commit never ran: no task queued
    from django.utils import timezone

    assert tasks.requeue_stuck_uploads() == 0  # too new to count as stuck
    later = timezone.now() + tasks.STUCK_AFTER * 2
    assert tasks.requeue_stuck_uploads(later) == 1
    run_tasks()
    uploaded.refresh_from_db()
    assert uploaded.status == UploadedFile.Status.READY


def test_a_program_behind_a_pdf_header_is_refused(document):
    uploaded = _upload(document, hostile.hta_with_pdf_header())
    assert tasks.process_file(uploaded.pk) == UploadedFile.Status.REFUSED
    uploaded.refresh_from_db()
    assert "is not a PDF" in uploaded.problem
    assert uploaded.sanitised_path == ""
