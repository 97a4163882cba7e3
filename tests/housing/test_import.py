"""Uploading lettings, register applications and register make-up as CSV files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doorstep.core.models import AuditEvent
from doorstep.housing import services
from doorstep.housing.models import Application, Estimate, Letting, MakeupCount, Upload
from doorstep.residents.models import ExternalIdentifier

from ..callbacks import work_queued
from ..factories import ResidentFactory
from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

LETTINGS_HEADER = "let_date,band,bedrooms,property_type,effective_date"
GOOD_LETTINGS = [
    "2024-03-01,A,1,Flat,2023-11-01",
    "02/03/2024,b,2,House,01/01/2022",
    "2024-03-03,C,3,Maisonette,2020-05-05",
]
APPLICATIONS_HEADER = "reference,band,bedrooms,effective_date,date_of_birth"


def upload(kind, raw, actor=None, filename="file.csv"):
    return services.upload_file(actor=actor, kind=kind, raw=raw, filename=filename)


def problems(record):
    return [(error["row"], error["column"], error["message"]) for error in record.errors]


def test_a_good_lettings_file_is_imported_and_estimates_follow(
    administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = upload("lettings", csv_bytes(LETTINGS_HEADER, *GOOD_LETTINGS), administrator)
    assert len(work_queued(callbacks)) == 1
    assert record.status == Upload.Status.ACCEPTED
    assert record.row_count == 3 and record.uploaded_by == administrator
    lets = {let.let_on.isoformat(): let for let in Letting.objects.select_related("band")}
    assert set(lets) == {"2024-03-01", "2024-03-02", "2024-03-03"}
    assert lets["2024-03-02"].band.name == "B"  # bands are matched in any case
    assert lets["2024-03-02"].effective_date.isoformat() == "2022-01-01"
    # The recompute task ran after the upload: one estimate per band and size.
    assert Estimate.objects.count() == 4 * 5
    assert AuditEvent.objects.filter(object_type="housing_upload", object_id=record.pk).exists()


def test_utf8_with_a_byte_order_mark_works(bands):
    raw = b"\xef\xbb\xbf" + csv_bytes(LETTINGS_HEADER, *GOOD_LETTINGS)
    assert upload("lettings", raw).status == Upload.Status.ACCEPTED
    assert Letting.objects.count() == 3


def test_utf16_unicode_text_from_excel_is_read(bands):
    # Excel's "Unicode text": UTF-16 with a byte-order mark, separated by tabs.
    text = "\r\n".join(line.replace(",", "\t") for line in [LETTINGS_HEADER, *GOOD_LETTINGS])
    record = upload("lettings", text.encode("utf-16"))
    assert record.status == Upload.Status.ACCEPTED, record.errors
    assert Letting.objects.count() == 3


def test_windows_1252_is_refused_with_a_clear_message(bands):
    upload("lettings", csv_bytes(LETTINGS_HEADER, *GOOD_LETTINGS))
    raw = csv_bytes(
        LETTINGS_HEADER, "2024-03-01,A,1,Flat – £95 a week,2023-11-01", encoding="cp1252"
    )
    record = upload("lettings", raw)
    assert record.status == Upload.Status.REJECTED
    [(row, column, message)] = problems(record)
    assert row == 0 and column == ""
    assert "not saved as UTF-8" in message and "CSV UTF-8" in message
    # Nothing changed: the earlier file's lets are still the ones in use.
    assert Letting.objects.count() == 3


def test_bad_dates_are_reported_by_row_and_column(bands):
    upload("lettings", csv_bytes(LETTINGS_HEADER, *GOOD_LETTINGS))
    record = upload(
        "lettings",
        csv_bytes(
            LETTINGS_HEADER,
            "2024-03-01,A,1,Flat,2023-11-01",
            "31/02/2024,A,1,Flat,2023-11-01",
            "2024-03-01,A,1,Flat,last year",
            "2024-03-01,A,1,Flat,2024-04-01",
            "2099-01-01,A,1,Flat,2023-11-01",
        ),
    )
    assert record.status == Upload.Status.REJECTED
    assert problems(record) == [
        (
            3,
            "let_date",
            "The date let must be a real date, like 2024-03-31 or 31/03/2024, not '31/02/2024'",
        ),
        (
            4,
            "effective_date",
            "The effective date must be a real date, like 2024-03-31 or 31/03/2024, not 'last year'",
        ),
        (5, "effective_date", "The effective date must be on or before the date the home was let"),
        (6, "let_date", "The date let must be today or in the past"),
    ]
    assert record.error_count == 4
    # Nothing half-imported: the first row was fine but is not in the table either.
    assert sorted(Letting.objects.values_list("let_on", flat=True))[0].isoformat() == "2024-03-01"
    assert Letting.objects.count() == 3


def test_unknown_bands_and_bad_bedrooms(bands):
    record = upload(
        "lettings",
        csv_bytes(
            LETTINGS_HEADER,
            "2024-03-01,E,1,Flat,2023-11-01",
            "2024-03-01,A,0,Flat,2023-11-01",
            "2024-03-01,A,two,Flat,2023-11-01",
            "2024-03-01,,1,Flat,2023-11-01",
        ),
    )
    assert problems(record) == [
        (2, "band", "'E' is not a band. Use one of A, B, C, D (an Administrator can add bands)"),
        (
            3,
            "bedrooms",
            "Bedrooms must be a whole number from 1 to 5, not '0' (count a studio or bedsit as 1)",
        ),
        (
            4,
            "bedrooms",
            "Bedrooms must be a whole number from 1 to 5, not 'two' (count a studio or bedsit as 1)",
        ),
        (5, "band", "Enter the band"),
    ]
    assert not Letting.objects.exists()


def test_duplicated_lettings_rows_are_refused_unless_they_have_references(bands):
    record = upload(
        "lettings", csv_bytes(LETTINGS_HEADER, GOOD_LETTINGS[0], GOOD_LETTINGS[1], GOOD_LETTINGS[0])
    )
    assert problems(record) == [
        (
            4,
            "",
            "This row is the same as row 2. Remove one of them, or add a let_reference column if they are different lets",
        )
    ]
    header = LETTINGS_HEADER + ",let_reference"
    record = upload(
        "lettings", csv_bytes(header, GOOD_LETTINGS[0] + ",T1", GOOD_LETTINGS[0] + ",T2")
    )
    assert record.status == Upload.Status.ACCEPTED
    record = upload(
        "lettings", csv_bytes(header, GOOD_LETTINGS[0] + ",T1", GOOD_LETTINGS[1] + ",t1")
    )
    assert problems(record)[0][:2] == (3, "let_reference")


def test_a_wrong_column_refuses_the_whole_file(bands):
    record = upload(
        "lettings",
        csv_bytes("let_date,band,bedrooms,rent,effective_date", "2024-03-01,A,1,100,2023-11-01"),
    )
    [(_, _, message)] = problems(record)
    assert "columns that Doorstep does not know: 'rent'" in message
    record = upload("lettings", csv_bytes("let_date,band,bedrooms", "2024-03-01,A,1"))
    assert "must have a column called effective_date" in problems(record)[0][2]
    record = upload("lettings", b"")
    assert problems(record)[0][2].startswith("The file is empty")


def test_applications_replace_the_register_and_link_residents(bands, administrator):
    resident = ResidentFactory()
    ExternalIdentifier.objects.create(
        resident=resident, source="Housing register", value="hr000001"
    )
    first = upload(
        "applications",
        csv_bytes(
            APPLICATIONS_HEADER,
            "HR000001,B,2,2022-05-01,1980-02-01",
            "HR000002,C,2,2021-05-01,",
        ),
        administrator,
    )
    assert first.status == Upload.Status.ACCEPTED
    assert first.linked_count == 1
    linked = Application.objects.get(reference="HR000001")
    assert linked.resident == resident
    assert Application.objects.get(reference="HR000002").lead_date_of_birth is None
    second = upload(
        "applications", csv_bytes(APPLICATIONS_HEADER, "HR000003,A,1,2024-01-01,1990-01-01")
    )
    assert second.status == Upload.Status.ACCEPTED
    assert list(Application.objects.values_list("reference", flat=True)) == ["HR000003"]
    # Both uploads stay in the history, with who, when, rows and the file name.
    assert list(Upload.objects.values_list("row_count", flat=True)) == [1, 2]


def test_duplicated_application_references_are_refused(bands):
    record = upload(
        "applications",
        csv_bytes(
            APPLICATIONS_HEADER, "HR1,B,2,2022-05-01,1980-02-01", "hr1,C,2,2021-05-01,1980-02-01"
        ),
    )
    assert problems(record) == [
        (3, "reference", "The reference is also on row 2. Each application must appear once")
    ]


def test_makeup_counts_must_be_whole_and_not_negative(bands):
    header = "band,bedrooms,households"
    record = upload("makeup", csv_bytes(header, "A,1,10", "B,1,-3", "C,1,many", "A,1,4"))
    assert problems(record) == [
        (3, "households", "Households waiting must be 0 or more"),
        (4, "households", "Households waiting must be a whole number, like 120, not 'many'"),
        (5, "bedrooms", "This band and bedroom need is also on row 2. Give each once"),
    ]
    assert not MakeupCount.objects.exists()


def test_the_newer_of_applications_and_makeup_drives_the_estimates(bands):
    # The task that runs after each upload does this; here it is called directly.
    upload("lettings", csv_bytes(LETTINGS_HEADER, *GOOD_LETTINGS))
    upload("applications", csv_bytes(APPLICATIONS_HEADER, "HR1,A,1,2022-05-01,1980-02-01"))
    services.recompute_estimates()
    assert Estimate.objects.get(band=bands["A"], bedrooms=1).households_waiting == 1
    upload("makeup", csv_bytes("band,bedrooms,households", "A,1,250"))
    services.recompute_estimates()
    estimate = Estimate.objects.get(band=bands["A"], bedrooms=1)
    assert estimate.households_waiting == 250
    assert not estimate.joiners_from_register
    # The applications stay for residents' own lookups.
    assert Application.objects.count() == 1


# --- The upload pages --------------------------------------------------------------------------


def test_administrator_uploads_a_file_and_sees_its_problems(admin_client_verified, bands):
    page = admin_client_verified.get(reverse("housing:upload_lettings"))
    assert page.status_code == 200
    assert b"let_date" in page.content
    bad = SimpleUploadedFile(
        "lets.csv", csv_bytes(LETTINGS_HEADER, "2024-03-01,Z,1,Flat,2023-11-01")
    )
    response = admin_client_verified.post(reverse("housing:upload_lettings"), {"file": bad})
    record = Upload.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("housing:upload_detail", args=[record.pk])
    detail = admin_client_verified.get(response.url).content.decode()
    assert "Nothing was imported" in detail
    assert "&#x27;Z&#x27; is not a band" in detail
    report = admin_client_verified.get(reverse("housing:upload_report", args=[record.pk]))
    assert "'Z' is not a band" in report.content.decode("utf-8-sig")
    history = admin_client_verified.get(reverse("housing:uploads")).content.decode()
    assert "lets.csv" in history and "Not imported" in history


def test_upload_page_asks_for_a_file(admin_client_verified, bands):
    response = admin_client_verified.post(reverse("housing:upload_applications"), {})
    assert response.status_code == 200
    assert "Choose a CSV file to upload" in response.content.decode()
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "housing:uploads",
        "housing:upload_lettings",
        "housing:upload_applications",
        "housing:upload_makeup",
    ],
)
def test_officers_cannot_upload(officer_client, name):
    assert officer_client.get(reverse(name)).status_code == 403
    response = officer_client.post(reverse(name), {"file": SimpleUploadedFile("x.csv", b"a")})
    assert response.status_code == 403
    assert not Upload.objects.exists()
