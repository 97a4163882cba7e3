"""Deciding a file's type by its content: each sample of the corpus accepted or refused plainly."""

import pytest

from doorstep.evidence import filetypes
from doorstep.evidence.filetypes import RefusedFile, check_size, safe_filename, sniff

from . import hostile


@pytest.mark.parametrize(
    ("sample", "kind", "mime"),
    [
        (hostile.jpeg_with_gps_and_orientation, "jpeg", "image/jpeg"),
        (hostile.png_photo, "png", "image/png"),
        (hostile.heic_photo, "heic", "image/heic"),
        (hostile.webp_photo, "webp", "image/webp"),
        (hostile.plain_pdf, "pdf", "application/pdf"),
        # Accepted by type; made safe later (re-encoded, flagged, or caught by the scan).
        (hostile.jpeg_zip_polyglot, "jpeg", "image/jpeg"),
        (hostile.png_bomb, "png", "image/png"),
        (hostile.truncated_jpeg, "jpeg", "image/jpeg"),
        (hostile.pdf_with_javascript, "pdf", "application/pdf"),
        (hostile.encrypted_pdf, "pdf", "application/pdf"),
        (hostile.eicar_in_pdf, "pdf", "application/pdf"),
    ],
)
def test_accepted_types_are_known_by_content(sample, kind, mime):
    file = sample()
    sniffed = sniff(file.data, filename=file.name)
    assert (sniffed.kind, sniffed.mime) == (kind, mime)


def test_the_name_does_not_decide():
    pdf = hostile.plain_pdf()
    assert sniff(pdf.data, filename="photo.jpg").kind == "pdf"
    jpeg = hostile.jpeg_with_gps_and_orientation()
    assert sniff(jpeg.data, filename="statement.pdf").kind == "jpeg"
    assert sniff(jpeg.data, filename="").extension == "jpg"


def test_the_first_bytes_are_enough():
    file = hostile.heic_photo()
    assert sniff(file.data[: filetypes.HEAD_BYTES], filename=file.name).kind == "heic"


@pytest.mark.parametrize(
    ("sample", "reason", "message"),
    [
        (
            hostile.executable_renamed_jpg,
            "executable",
            "‘bank.exe.jpg’ is not a photo or a PDF. Send a photo (JPEG, PNG, HEIC) or a PDF.",
        ),
        (
            hostile.elf_renamed_jpg,
            "executable",
            "‘photo.jpg’ is not a photo or a PDF. Send a photo (JPEG, PNG, HEIC) or a PDF.",
        ),
        (
            hostile.html_named_pdf,
            "markup",
            "‘statement.pdf’ is not a photo or a PDF. Send a photo (JPEG, PNG, HEIC) or a PDF.",
        ),
        (
            hostile.svg_with_script,
            "svg",
            "‘id-card.svg’ is a drawing (SVG), which we cannot accept because it can contain "
            "code. Send a photo (JPEG, PNG, HEIC) or a PDF.",
        ),
        (
            hostile.zero_byte_file,
            "empty",
            "‘empty.jpg’ is empty (0 bytes). Choose the file again, or take a new photo.",
        ),
        (
            hostile.eicar,
            "unknown",
            "‘eicar.jpg’ is not a photo or a PDF. Send a photo (JPEG, PNG, HEIC) or a PDF.",
        ),
    ],
)
def test_hostile_files_are_refused_with_a_plain_message(sample, reason, message):
    file = sample()
    with pytest.raises(RefusedFile) as refused:
        sniff(file.data, filename=file.name)
    assert refused.value.reason == reason
    assert refused.value.message == message
    assert str(refused.value) == message


def test_a_zip_or_word_document_is_refused_with_what_to_do():
    word = b"PK\x03\x04" + b"\x00" * 30 + b"[Content_Types].xml"
    with pytest.raises(RefusedFile) as refused:
        sniff(word, filename="tenancy.docx")
    assert refused.value.message == (
        "‘tenancy.docx’ is not a photo or a PDF. If it is a document, save it as a PDF or take "
        "a photo of it. Send a photo (JPEG, PNG, HEIC) or a PDF."
    )


@pytest.mark.parametrize(
    "data",
    [
        b"  <html><body>hi</body></html>",
        b"<script>alert(1)</script>%PDF-1.4",
        b"\xef\xbb\xbf<html></html>",
        b"GIF89a\x01\x00\x01\x00",
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",  # AVIF is not accepted
        b"hello, this is text",
    ],
)
def test_other_content_is_refused(data):
    with pytest.raises(RefusedFile):
        sniff(data, filename="x.pdf")


def test_a_pdf_needs_its_header_at_the_start():
    assert sniff(b"\n%PDF-1.4\n", filename="a.pdf").kind == "pdf"
    with pytest.raises(RefusedFile):
        sniff(b"<p>%PDF-1.4</p>", filename="a.pdf")


def test_oversized_file_is_refused_before_reading(settings):
    file = hostile.oversized_file()
    with pytest.raises(RefusedFile) as refused:
        check_size(len(file.data), filename=file.name)
    assert refused.value.reason == "too_large"
    assert refused.value.message == (
        "‘huge.jpg’ is 25 MB. Each file must be 20 MB or smaller: take a photo of the document "
        "instead, or send a smaller copy."
    )
    check_size(20 * 1024 * 1024, filename="ok.jpg")  # exactly at the limit is fine
    settings.EVIDENCE_MAX_FILE_MB = 30
    check_size(len(file.data), filename=file.name)


def test_check_size_refuses_empty_files():
    with pytest.raises(RefusedFile) as refused:
        check_size(0, filename="x.jpg")
    assert refused.value.reason == "empty"


def test_a_hostile_file_name_is_made_safe_and_readable():
    file = hostile.bad_file_name()
    assert safe_filename(file.name) == "pay slipgpj.exe.jpg"
    with pytest.raises(RefusedFile) as refused:
        sniff(b"MZ", filename=file.name)
    assert "‘pay slipgpj.exe.jpg’" in refused.value.message


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("payslip.jpg", "payslip.jpg"),
        ("C:\\Users\\amina\\Desktop\\payslip.jpg", "payslip.jpg"),
        ("../../../etc/passwd", "passwd"),
        ("photos/", "photos"),
        ("..", "file"),
        ("", "file"),
        ("\x00\x01\x02", "file"),
        (".htaccess", "htaccess"),
        ("bank\u202egpj.exe", "bankgpj.exe"),
        ("zero\u200bwidth.png", "zerowidth.png"),
        ("  lots   of\tspace .pdf ", "lots of space .pdf"),
        ("Zoë’s statement.pdf", "Zoë’s statement.pdf"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_safe_filename_keeps_the_extension_of_a_long_name():
    name = safe_filename("a" * 300 + ".jpeg")
    assert len(name) <= filetypes.MAX_NAME_LENGTH
    assert name.endswith("….jpeg")
    assert len(safe_filename("b" * 300)) <= filetypes.MAX_NAME_LENGTH
