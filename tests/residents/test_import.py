import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from doorstep.core.models import AuditEvent, TimelineEvent
from doorstep.residents import importing
from doorstep.residents.models import (
    DuplicateCandidate,
    ExternalIdentifier,
    ImportJob,
    Phone,
    Resident,
)

from ..callbacks import work_queued
from ..factories import PhoneFactory, ResidentFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(importing.__file__).parent / "fixtures" / "sample_import.csv"
HEADER = ",".join(importing.COLUMN_NAMES)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def csv_text(*rows: dict[str, str], columns: list[str] | None = None) -> str:
    columns = columns or importing.COLUMN_NAMES
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def write_csv(tmp_path, text: str | bytes, name: str = "residents.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run_command(path: Path, *extra: str, source: str = "Academy") -> str:
    out = io.StringIO()
    call_command("import_residents", str(path), "--source", source, *extra, stdout=out, verbosity=0)
    return out.getvalue()


def good_row(**changes) -> dict[str, str]:
    row = {
        "source_id": "100",
        "first_name": "Amara",
        "last_name": "Okafor",
        "date_of_birth": "1984-03-12",
        "phone": "07700 900101",
        "postcode": "e8 1dy",
    }
    row.update(changes)
    return row


# --- The management command ------------------------------------------------------------------


def test_command_imports_the_sample_file_and_reports_rejected_rows(tmp_path):
    report = tmp_path / "rejected.csv"
    output = run_command(SAMPLE, "--report", str(report))

    assert "Created: 9" in output
    assert "Possible duplicates flagged: 1" in output
    assert "Rejected: 2" in output
    assert str(report) in output
    assert Resident.objects.count() == 9
    assert ExternalIdentifier.objects.filter(source="Academy").count() == 9
    piotr = ExternalIdentifier.objects.get(value="ACD-100002").resident
    assert piotr.date_of_birth == datetime.date(1979, 7, 21)  # DD/MM/YYYY
    assert list(piotr.phones.values_list("number", flat=True)) == ["+447700900102", "+442079460102"]
    assert piotr.postcode == "E8 3AH"
    with report.open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows == [
        ["row", "field", "reason"],
        ["10", "email", "Enter an e-mail address in the correct format, like name@example.com"],
        ["11", "date_of_birth", "Date of birth must be a real date, like 1980-02-01 or 01/02/1980"],
    ]
    # Same name and date of birth as the first row: imported, and listed for review.
    candidate = DuplicateCandidate.objects.get()
    assert candidate.reason == DuplicateCandidate.Reason.NAME_AND_BIRTH_DATE
    assert candidate.resident_a_id < candidate.resident_b_id
    assert AuditEvent.objects.filter(action="import").count() == 2
    assert AuditEvent.objects.filter(action="create", object_type="resident").count() == 9


def test_command_writes_the_report_next_to_the_file_by_default(tmp_path):
    path = write_csv(tmp_path, csv_text(good_row(), good_row(source_id="101", postcode="nowhere")))
    output = run_command(path)
    reports = list(tmp_path.glob("residents-rejected-*.csv"))
    assert len(reports) == 1
    assert str(reports[0]) in output
    assert "Enter a real postcode, like E8 1DY" in reports[0].read_text(encoding="utf-8")


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    run_command(SAMPLE, "--report", str(tmp_path / "first.csv"))
    counts = (
        Resident.objects.count(),
        ExternalIdentifier.objects.count(),
        Phone.objects.count(),
        DuplicateCandidate.objects.count(),
        TimelineEvent.objects.count(),
    )
    output = run_command(SAMPLE, "--report", str(tmp_path / "second.csv"))
    assert "Created: 0" in output
    assert "Updated: 0" in output
    assert "Unchanged: 9" in output
    assert "Possible duplicates flagged: 0" in output
    assert counts == (
        Resident.objects.count(),
        ExternalIdentifier.objects.count(),
        Phone.objects.count(),
        DuplicateCandidate.objects.count(),
        TimelineEvent.objects.count(),
    )


def test_a_known_source_id_updates_that_resident_and_blank_cells_keep_data(tmp_path):
    run_command(write_csv(tmp_path, csv_text(good_row(email="amara@example.com"))))
    resident = Resident.objects.get()

    changed = good_row(postcode="E9 7PX", email="", phone="07700 900999")
    output = run_command(write_csv(tmp_path, csv_text(changed), name="again.csv"))

    assert "Updated: 1" in output
    assert Resident.objects.count() == 1
    resident.refresh_from_db()
    assert resident.postcode == "E9 7PX"
    assert resident.email == "amara@example.com"
    # Numbers already held are kept; new ones are added.
    assert list(resident.phones.values_list("number", flat=True)) == [
        "+447700900101",
        "+447700900999",
    ]


def test_the_same_source_id_from_another_system_is_a_different_record(tmp_path):
    path = write_csv(tmp_path, csv_text(good_row(first_name="Ann", phone="")))
    run_command(path, source="Academy")
    run_command(path, source="Jigsaw")
    assert Resident.objects.count() == 2


def test_a_known_ni_number_links_the_row_to_that_resident(tmp_path):
    resident = ResidentFactory(
        first_name="Grace",
        last_name="Mensah",
        national_insurance_number="HJ246810D",
        email="",
        town="",
        language="",
    )
    row = good_row(
        source_id="J-77",
        first_name="Gracie",
        national_insurance_number="hj 24 68 10 d",
        email="grace@example.com",
        town="London",
        language="Twi",
        postcode="N16 7AB",
    )
    output = run_command(write_csv(tmp_path, csv_text(row)), source="Jigsaw")

    assert "Created: 0" in output and "Updated: 1" in output
    assert Resident.objects.count() == 1
    resident.refresh_from_db()
    assert resident.identifiers.get().value == "J-77"
    # Only empty fields are filled in; what the record already held is kept.
    assert resident.first_name == "Grace"
    assert resident.postcode == "E8 1DY"
    assert (resident.email, resident.town, resident.language) == (
        "grace@example.com",
        "London",
        "Twi",
    )
    assert AuditEvent.objects.filter(resident_id=resident.pk, fields=["identifiers"]).exists()


def test_same_name_and_birth_date_or_same_mobile_is_a_possible_duplicate(tmp_path):
    by_name = ResidentFactory(
        first_name="AMARA", last_name="okafor", date_of_birth=datetime.date(1984, 3, 12)
    )
    by_mobile = PhoneFactory(number="+447700900555").resident
    rows = [
        good_row(source_id="1", phone=""),
        good_row(source_id="2", first_name="Zed", last_name="Zed", phone="07700 900555"),
        good_row(source_id="3", first_name="Other", last_name="Person", phone="07700 900556"),
    ]
    output = run_command(write_csv(tmp_path, csv_text(*rows)))

    assert "Created: 3" in output
    assert "Possible duplicates flagged: 2" in output
    first = ExternalIdentifier.objects.get(value="1").resident
    second = ExternalIdentifier.objects.get(value="2").resident
    pairs = set(DuplicateCandidate.objects.values_list("resident_a", "resident_b", "reason"))
    assert pairs == {
        (by_name.pk, first.pk, DuplicateCandidate.Reason.NAME_AND_BIRTH_DATE),
        (by_mobile.pk, second.pk, DuplicateCandidate.Reason.MOBILE),
    }


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"source_id": ""}, "source_id", "Enter the resident's id in the legacy system"),
        ({"first_name": ""}, "first_name", "Enter the resident's first name"),
        ({"last_name": " "}, "last_name", "Enter the resident's last name"),
        (
            {"date_of_birth": "1984-13-01"},
            "date_of_birth",
            "Date of birth must be a real date, like 1980-02-01 or 01/02/1980",
        ),
        ({"date_of_birth": "01/02/2999"}, "date_of_birth", "Date of birth must be in the past"),
        (
            {"national_insurance_number": "QQ123"},
            "national_insurance_number",
            "Enter a National Insurance number in the correct format, like AB 12 34 56 C",
        ),
        ({"postcode": "E8"}, "postcode", "Enter a real postcode, like E8 1DY"),
        ({"phone": "07700 900101; 12"}, "phone", "Phone number 2 ('12')"),
        ({"email": "amara@"}, "email", "Enter an e-mail address in the correct format"),
        ({"title": "T" * 21}, "title", "The title must be 20 characters or fewer"),
        ({"source_id": "9" * 101}, "source_id", "must be 100 characters or fewer"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_of_it_is_written(tmp_path, changes, field, reason):
    report = tmp_path / "report.csv"
    rows = [good_row(**changes), good_row(source_id="200", first_name="Sam", phone="")]
    output = run_command(write_csv(tmp_path, csv_text(*rows)), "--report", str(report))

    assert "Created: 1" in output and "Rejected: 1" in output
    assert Resident.objects.get().first_name == "Sam"
    assert ExternalIdentifier.objects.get().value == "200"
    assert Phone.objects.count() == 0
    assert AuditEvent.objects.filter(action="create").count() == 1
    problems = list(csv.DictReader(report.open(encoding="utf-8")))
    assert problems[0]["row"] == "2"
    assert problems[0]["field"] == field
    assert reason in problems[0]["reason"]


def test_a_row_with_every_problem_lists_each_of_them(tmp_path):
    report = tmp_path / "report.csv"
    row = good_row(first_name="", postcode="nope", email="x@", date_of_birth="yesterday")
    run_command(write_csv(tmp_path, csv_text(row)), "--report", str(report))
    fields = {problem["field"] for problem in csv.DictReader(report.open(encoding="utf-8"))}
    assert fields == {"first_name", "postcode", "email", "date_of_birth"}


def test_an_ni_number_held_by_another_resident_rejects_the_update(tmp_path):
    ResidentFactory(national_insurance_number="AB123456C")
    run_command(write_csv(tmp_path, csv_text(good_row())))
    report = tmp_path / "report.csv"
    again = good_row(national_insurance_number="AB123456C", postcode="E9 7PX")
    output = run_command(write_csv(tmp_path, csv_text(again), "2.csv"), "--report", str(report))
    assert "Rejected: 1" in output
    assert "Another resident already has this National Insurance number" in report.read_text()
    assert ExternalIdentifier.objects.get().resident.postcode == "E8 1DY"


def test_a_row_with_more_values_than_columns_is_rejected(tmp_path):
    text = "source_id,first_name,last_name\n1,Ann,Lee,extra\n2,Bob,Lee\n"
    report = tmp_path / "report.csv"
    output = run_command(write_csv(tmp_path, text), "--report", str(report))
    assert "Created: 1" in output
    assert "more values than there are column names" in report.read_text()


def test_blank_rows_are_skipped_and_a_utf8_bom_is_accepted(tmp_path):
    text = "\ufeffsource_id,First_Name , last_name\n1,Zoë,Łukasiewicz\n,,\n\n"
    output = run_command(write_csv(tmp_path, text))
    assert "Created: 1" in output and "Rejected: 0" in output
    assert Resident.objects.get().last_name == "Łukasiewicz"


def test_excel_unicode_text_is_read(tmp_path):
    # Excel's "Unicode text" export: UTF-16 with a byte-order mark, separated by tabs.
    path = tmp_path / "residents.txt"
    path.write_bytes("source_id\tfirst_name\tlast_name\n1\tZoë\tŁukasiewicz\n".encode("utf-16"))
    output = run_command(path)
    assert "Created: 1" in output
    assert Resident.objects.get().first_name == "Zoë"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"source_id,first_name,last_name\n", "no rows of residents"),
        (
            b"source_id,first_name,last_name,shoe_size\n1,A,B,9\n",
            "columns that Doorstep does not know: 'shoe_size'",
        ),
        (b"source_id,first_name\n1,A\n", "must have a column called last_name"),
        (b"first_name,last_name\nA,B\n", "must have a column called source_id"),
        (b"source_id,first_name,last_name,town,town\n1,A,B,C,D\n", "more than one column"),
        ("source_id,first_name,last_name\n1,Zoë,B\n".encode("latin-1"), "saved as UTF-8"),
        (b"source_id,first_name,last_name\n1,A\x00,B\n", "not a CSV text file"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        run_command(write_csv(tmp_path, content))
    assert Resident.objects.count() == 0


def test_a_file_over_20_mb_is_refused(tmp_path):
    path = write_csv(tmp_path, b"x" * (importing.MAX_FILE_BYTES + 1))
    with pytest.raises(CommandError, match="smaller than 20 MB"):
        run_command(path)
    with pytest.raises(importing.ImportFileError, match="smaller than 20 MB"):
        importing.parse_csv(path.read_bytes())


def test_the_command_refuses_a_missing_file_or_source(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        run_command(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="Enter the name of the system"):
        run_command(SAMPLE, source=" ")


def test_the_command_can_record_the_staff_member_who_imported(tmp_path, administrator):
    run_command(write_csv(tmp_path, csv_text(good_row())), "--staff", administrator.email)
    assert AuditEvent.objects.filter(action="create", actor=administrator).count() == 1
    with pytest.raises(CommandError, match="no active staff member"):
        run_command(SAMPLE, "--staff", "nobody@council.example")


def test_the_command_help_documents_the_columns():
    from doorstep.residents.management.commands.import_residents import Command

    for name in importing.COLUMN_NAMES:
        assert name in Command.help


# --- The upload page and its background task --------------------------------------------------


def upload(client, content: bytes, *, source: str = "Academy", name: str = "legacy.csv"):
    return client.post(
        reverse("residents:import"),
        {"source": source, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_upload_imports_in_the_background_and_shows_the_summary(
    admin_client_verified, administrator, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client_verified, SAMPLE.read_bytes())

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("residents:import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows) == (11, 11)
    assert (job.created_count, job.updated_count, job.duplicate_count, job.error_count) == (
        9,
        0,
        1,
        2,
    )
    assert job.created_by == administrator
    assert job.original_filename == "legacy.csv"
    assert not job.file  # the uploaded file is removed once imported
    assert AuditEvent.objects.filter(action="import", object_type="import_job").count() == 2
    assert AuditEvent.objects.filter(action="create", actor=administrator).count() == 9

    page = admin_client_verified.get(response.url).content.decode()
    assert "Import finished" in page
    assert 'http-equiv="refresh"' not in page
    assert "Download the rejected rows" in page
    assert "Enter an e-mail address in the correct format" in page

    report = admin_client_verified.get(reverse("residents:import_report", args=[job.pk]))
    assert report["Content-Type"].startswith("text/csv")
    assert "attachment" in report["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "field", "reason"]
    assert [row[:2] for row in rows[1:]] == [["10", "email"], ["11", "date_of_birth"]]
    assert AuditEvent.objects.filter(action="export", object_type="import_job").exists()


def test_the_progress_page_refreshes_itself_while_the_import_waits(
    admin_client_verified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(admin_client_verified, SAMPLE.read_bytes())
    assert len(work_queued(callbacks)) == 1  # queued only once the upload is saved
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING
    assert job.total_rows == 11
    page = admin_client_verified.get(response.url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "0 of 11 rows" in page
    assert Resident.objects.count() == 0


def test_progress_counters_are_saved_as_the_import_runs(administrator, monkeypatch):
    rows = [good_row(source_id=str(n), first_name=f"Person{n}", phone="") for n in range(250)]
    job = ImportJob.objects.create(source="Academy", created_by=administrator)
    job.file.save("big.csv", importing.ContentFile(csv_text(*rows).encode()))
    seen: list[int] = []
    original = importing.import_rows

    def watching(parsed, **kwargs):
        progress = kwargs.pop("on_progress")

        def both(summary):
            progress(summary)
            seen.append(ImportJob.objects.get(pk=job.pk).processed_rows)

        return original(parsed, on_progress=both, **kwargs)

    monkeypatch.setattr(importing, "import_rows", watching)
    importing.run_import_job(job_id=job.pk)
    assert sorted(set(seen)) == [0, 100, 200, 250]
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 250)


def test_the_task_only_starts_a_waiting_job(administrator, immediate_tasks):
    from doorstep.residents.tasks import import_task

    job = ImportJob.objects.create(source="Academy", created_by=administrator)
    job.file.save("one.csv", importing.ContentFile(csv_text(good_row()).encode()))
    import_task.enqueue(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    finished_at = job.finished_at

    import_task.enqueue(job_id=job.pk)  # a retry of the same task
    job.refresh_from_db()
    assert job.finished_at == finished_at
    assert Resident.objects.count() == 1
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_a_job_whose_file_is_refused_fails_with_the_reason(administrator):
    job = ImportJob.objects.create(source="Academy", created_by=administrator)
    job.file.save("bad.csv", importing.ContentFile(b"name\nAnn\n"))
    importing.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "columns that Doorstep does not know" in job.failure_reason


@pytest.mark.parametrize(
    ("content", "source", "message"),
    [
        (b"source_id,first_name,last_name,colour\n1,A,B,red\n", "Academy", "'colour'"),
        (b"", "Academy", "The file is empty"),
        ("source_id,first_name,last_name\n1,Zoë,B\n".encode("cp1252"), "Academy", "UTF-8"),
        (b"source_id,first_name,last_name\n1,A,B\n", "", "Enter the name of the system"),
        (b"source_id,first_name,last_name\n1,A,B\n", "S" * 61, "60 characters or fewer"),
    ],
)
def test_upload_refuses_a_bad_file_on_the_page(admin_client_verified, content, source, message):
    response = upload(admin_client_verified, content, source=source)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page.replace("&#x27;", "'")
    assert ImportJob.objects.count() == 0


def test_upload_without_a_file_asks_for_one(admin_client_verified):
    response = admin_client_verified.post(reverse("residents:import"), {"source": "Academy"})
    assert "Choose a CSV file to import" in response.content.decode()


def test_upload_of_a_file_over_20_mb_is_refused(admin_client_verified):
    response = upload(admin_client_verified, b"x" * (importing.MAX_FILE_BYTES + 1))
    assert "smaller than 20 MB" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_the_upload_page_documents_the_columns(admin_client_verified):
    page = admin_client_verified.get(reverse("residents:import")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    for name in importing.COLUMN_NAMES:
        assert f"<code>{name}</code>" in page


# --- Permissions ---------------------------------------------------------------------------


def import_urls(job: ImportJob) -> list[str]:
    return [
        reverse("residents:import"),
        reverse("residents:import_detail", args=[job.pk]),
        reverse("residents:import_report", args=[job.pk]),
    ]


def test_officers_cannot_import(officer_client):
    job = ImportJob.objects.create(source="Academy")
    for url in import_urls(job):
        assert officer_client.get(url).status_code == 403
    assert upload(officer_client, SAMPLE.read_bytes()).status_code == 403
    assert ImportJob.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    job = ImportJob.objects.create(source="Academy")
    for url in import_urls(job):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_empty_upload_form_shows_both_errors(admin_client_verified):
    page = admin_client_verified.post(reverse("residents:import"), {}).content.decode()
    assert "Enter the name of the system the file came from" in page
    assert "Choose a CSV file to import" in page
