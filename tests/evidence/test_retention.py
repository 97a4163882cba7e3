"""Files are deleted when the retention period ends; the rows stay as the record."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doorstep.core.models import AuditEvent
from doorstep.evidence import retention, services
from doorstep.evidence.models import RequestedDocument, UploadedFile
from doorstep.evidence.storage import evidence_storage

from .review_support import submitted

pytestmark = pytest.mark.usefixtures("texting_any_time")


def _stored_names(document):
    return [
        name
        for upload in document.files.all()
        for name in (upload.original_path, upload.sanitised_path, upload.thumbnail_path)
        if name
    ]


@pytest.fixture
def decided(officer, django_capture_on_commit_callbacks):
    document = submitted(reviewer=officer, files=2, document_type="Photo ID")
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(
            actor=officer,
            document=document,
            checklist=[key for key, _ in services.CHECKLIST],
            actual_kind="passport",
            expires_on=datetime.date(2031, 5, 3),
        )
    document.refresh_from_db()
    return document


def _time_passes(document, days):
    """Move the decision back in time, as if `days` had gone by since it was made."""
    shift = datetime.timedelta(days=days)
    RequestedDocument.objects.filter(pk=document.pk).update(
        decided_at=document.decided_at - shift,
        delete_files_after=document.delete_files_after - shift,
    )
    DBTaskResult.objects.filter(task_path__endswith="delete_files_task").update(
        run_after=document.delete_files_after - shift
    )


def test_the_task_runs_when_the_retention_period_ends_and_keeps_the_record(decided, run_tasks):
    names = _stored_names(decided)
    assert len(names) == 6  # two files: originals, sanitised copies and thumbnails
    assert decided.delete_files_after == decided.decided_at + datetime.timedelta(days=90)

    run_tasks()  # not due yet: nothing happens
    assert all(evidence_storage().exists(name) for name in names)
    assert not decided.files.filter(deleted_at__isnull=False).exists()

    _time_passes(decided, 90)
    assert run_tasks() == 1
    assert not any(evidence_storage().exists(name) for name in names)
    files = list(decided.files.all())
    assert len(files) == 2, "the rows stay as the record that the files existed"
    assert all(f.status == UploadedFile.Status.DELETED and f.deleted_at for f in files)
    assert all(f.sha256 and f.original_name for f in files)
    assert AuditEvent.objects.filter(action="delete", object_id=str(decided.pk)).count() == 1


def test_deleting_twice_changes_nothing(decided):
    later = decided.delete_files_after + datetime.timedelta(seconds=1)
    first = retention.delete_files(document_id=decided.pk, now=later)
    deleted_at = {f.pk: f.deleted_at for f in decided.files.all()}
    second = retention.delete_files(document_id=decided.pk, now=later + datetime.timedelta(days=1))
    assert (first.files, second.files) == (2, 0)
    assert {f.pk: f.deleted_at for f in decided.files.all()} == deleted_at
    assert AuditEvent.objects.filter(action="delete").count() == 1


def test_a_task_run_early_deletes_nothing(decided):
    assert retention.delete_files(document_id=decided.pk) is None
    assert all(evidence_storage().exists(name) for name in _stored_names(decided))


def test_a_file_already_missing_from_storage_is_still_marked_deleted(decided):
    first = decided.files.first()
    evidence_storage().delete(first.sanitised_path)  # e.g. a crash half-way through last time
    retention.delete_files(document_id=decided.pk, now=decided.delete_files_after)
    assert decided.files.filter(status=UploadedFile.Status.DELETED).count() == 2


def test_purge_dry_run_lists_and_deletes_nothing(decided, capsys):
    _time_passes(decided, 91)
    call_command("purge_expired_documents", "--dry-run")
    out = capsys.readouterr().out
    assert f"Would delete 2 files of document {decided.pk} (Photo ID" in out
    assert "1 document due; dry run." in out
    assert all(evidence_storage().exists(name) for name in _stored_names(decided))


def test_purge_catches_up_on_lost_tasks(decided, capsys):
    DBTaskResult.objects.all().delete()  # the scheduled task was lost
    _time_passes(decided, 91)
    names = _stored_names(decided)
    call_command("purge_expired_documents")
    assert "Deleted 2 files of 1 document." in capsys.readouterr().out
    assert not any(evidence_storage().exists(name) for name in names)
    call_command("purge_expired_documents")
    assert "Deleted 0 files of 0 documents." in capsys.readouterr().out


def test_purge_leaves_documents_not_yet_due(decided, capsys):
    call_command("purge_expired_documents", "--dry-run")
    assert "0 documents due" in capsys.readouterr().out
    call_command("purge_expired_documents")
    assert all(evidence_storage().exists(name) for name in _stored_names(decided))
    assert decided.delete_files_after > timezone.now()
