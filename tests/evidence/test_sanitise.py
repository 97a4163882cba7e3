"""Sanitising: images keep only their pixels; PDFs are kept, counted and flagged."""

import io
import zipfile

import pytest
from PIL import Image

from doorstep.evidence import sanitise as sanitising
from doorstep.evidence.filetypes import RefusedFile, sniff
from doorstep.evidence.sanitise import sanitise

from . import hostile

RED, BLUE = (220, 20, 20), (20, 20, 220)


def run(sample):
    file = sample()
    return sanitise(file.data, sniff(file.data, filename=file.name), filename=file.name)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def assert_no_metadata(data: bytes, image: Image.Image):
    assert not image.getexif()
    assert b"Exif" not in data
    assert hostile.PLACE_TEXT.encode() not in data
    assert b"xmpmeta" not in data
    assert b"PhoneMaker" not in data
    assert "icc_profile" not in image.info
    assert "xmp" not in image.info


def test_jpeg_loses_gps_and_is_turned_the_right_way_up():
    original = hostile.jpeg_with_gps_and_orientation()
    source = opened(original.data)
    assert source.getexif()[0x0112] == 6  # the sample really does carry orientation and GPS
    assert source.getexif().get_ifd(0x8825)
    assert hostile.PLACE_TEXT.encode() in original.data

    result = run(hostile.jpeg_with_gps_and_orientation)

    image = opened(result.content)
    assert (result.mime, result.extension) == ("image/jpeg", "jpg")
    assert image.format == "JPEG"
    assert_no_metadata(result.content, image)
    # 64 x 32, red on the left; orientation 6 turns it clockwise: 32 x 64, red on top.
    assert (result.width, result.height) == image.size == (32, 64)
    assert close_to(image.getpixel((16, 8)), RED)
    assert close_to(image.getpixel((16, 56)), BLUE)
    assert result.pages is None
    assert result.flags == []


def test_thumbnail_is_a_small_jpeg():
    big = Image.new("RGB", (3000, 1500), (200, 200, 200))
    data = hostile.jpeg_bytes(big)
    result = sanitise(data, sniff(data, filename="a.jpg"), filename="a.jpg")
    thumbnail = opened(result.thumbnail)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (400, 200)


def test_very_large_images_are_scaled_to_4000_px_on_the_long_side():
    data = hostile.jpeg_bytes(Image.new("RGB", (8000, 3000), (10, 120, 10)))
    result = sanitise(data, sniff(data, filename="a.jpg"), filename="a.jpg")
    assert (result.width, result.height) == opened(result.content).size == (4000, 1500)


def test_png_keeps_transparency_and_loses_text_and_exif():
    result = run(hostile.png_photo)
    image = opened(result.content)
    assert (result.mime, image.format) == ("image/png", "PNG")
    assert_no_metadata(result.content, image)
    assert "Location" not in image.info
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0
    assert opened(result.thumbnail).format == "JPEG"


def test_heic_becomes_a_jpeg_without_gps():
    original = hostile.heic_photo()
    assert opened(original.data).getexif().get_ifd(0x8825)  # the sample carries GPS
    result = run(hostile.heic_photo)
    image = opened(result.content)
    assert (result.mime, result.extension, image.format) == ("image/jpeg", "jpg", "JPEG")
    assert_no_metadata(result.content, image)
    assert image.size == (64, 32)
    assert close_to(image.getpixel((8, 16)), RED, tolerance=60)


def test_webp_is_reencoded_without_metadata():
    result = run(hostile.webp_photo)
    image = opened(result.content)
    assert (result.mime, image.format) == ("image/webp", "WEBP")
    assert_no_metadata(result.content, image)


def test_a_polyglot_keeps_only_the_picture():
    original = hostile.jpeg_zip_polyglot()
    assert zipfile.is_zipfile(io.BytesIO(original.data))  # really is a ZIP too
    result = run(hostile.jpeg_zip_polyglot)
    assert b"PK\x03\x04" not in result.content
    assert b"PK\x05\x06" not in result.content
    assert b"payload" not in result.content
    assert not zipfile.is_zipfile(io.BytesIO(result.content))
    assert opened(result.content).size == (64, 32)


def test_a_decompression_bomb_is_refused_without_decoding():
    file = hostile.png_bomb()
    assert len(file.data) < 200_000
    with pytest.raises(RefusedFile) as refused:
        run(hostile.png_bomb)
    assert refused.value.reason == "too_many_pixels"
    assert refused.value.message == (
        "‘bomb.png’ is too big a picture to check (more than 50 megapixels). Take a normal "
        "photo of the document instead."
    )


def test_an_image_over_our_own_pixel_limit_is_refused(monkeypatch):
    # Below Pillow's own bomb threshold, above ours.
    monkeypatch.setattr(sanitising, "MAX_PIXELS", 1000)
    with pytest.raises(RefusedFile) as refused:
        run(hostile.jpeg_with_gps_and_orientation)
    assert refused.value.reason == "too_many_pixels"


def test_a_picture_too_big_to_decode_in_memory_is_refused_before_decoding():
    file = hostile.png_16_bit()
    assert len(file.data) < 1_000_000
    with pytest.raises(RefusedFile) as refused:
        run(hostile.png_16_bit)
    assert refused.value.reason == "too_much_memory"
    assert refused.value.message == (
        "‘scan.png’ is too big a picture to check: it would take more than 200 MB of memory to "
        "open. Take a normal photo of the document instead, or save it with fewer colours."
    )


def test_a_48_megapixel_photo_is_still_accepted():
    data = hostile.jpeg_bytes(Image.new("RGB", (8000, 6000), (90, 90, 90)))
    assert sanitise(data, sniff(data, filename="a.jpg"), filename="a.jpg").width == 4000


def test_a_truncated_jpeg_is_refused_plainly():
    with pytest.raises(RefusedFile) as refused:
        run(hostile.truncated_jpeg)
    assert refused.value.reason == "damaged"
    assert refused.value.message == (
        "‘cut-off.jpg’ could not be opened: it may be damaged or only partly sent. Take the "
        "photo again, or choose the file again, and send it."
    )


def test_a_header_with_nothing_after_it_is_refused():
    with pytest.raises(RefusedFile) as refused:
        sanitise(
            b"\x89PNG\r\n\x1a\n", sniff(b"\x89PNG\r\n\x1a\n", filename="p.png"), filename="p.png"
        )
    assert refused.value.reason == "damaged"


def test_a_plain_pdf_is_kept_as_it_is_and_counted():
    original = hostile.plain_pdf(pages=3)
    result = sanitise(original.data, sniff(original.data, filename="a.pdf"), filename="a.pdf")
    assert result.content == original.data
    assert (result.mime, result.extension) == ("application/pdf", "pdf")
    assert result.pages == 3
    assert result.flags == []
    assert result.thumbnail is None


def test_a_pdf_with_javascript_is_flagged_not_refused():
    original = hostile.pdf_with_javascript()
    result = run(hostile.pdf_with_javascript)
    assert result.content == original.data
    assert result.pages == 1
    assert sanitising.FLAG_PDF_JAVASCRIPT in result.flags
    assert result.flags[0] == "This PDF contains JavaScript (code that can run when it is opened)."


def test_a_pdf_with_a_launch_action_is_flagged():
    result = run(hostile.pdf_with_launch_action)
    assert sanitising.FLAG_PDF_LAUNCH in result.flags
    assert sanitising.FLAG_PDF_JAVASCRIPT not in result.flags


def test_a_pdf_with_embedded_files_is_flagged():
    result = run(hostile.pdf_with_embedded_file)
    assert result.flags == [sanitising.FLAG_PDF_EMBEDDED]
    assert result.pages == 1


def test_an_encrypted_pdf_is_flagged_and_kept():
    original = hostile.encrypted_pdf()  # encrypting is random: sanitise this very file
    result = run(lambda: original)
    assert result.content == original.data
    assert result.pages is None
    assert result.flags == [sanitising.FLAG_PDF_ENCRYPTED]
    assert result.flags[0].startswith("This PDF is password-protected, so it could not be checked")


def test_a_pdf_locked_only_against_printing_is_checked():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(hostile.plain_pdf(2).data)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    result = sanitise(data, sniff(data, filename="a.pdf"), filename="a.pdf")
    assert result.pages == 2
    assert result.flags == []


def test_a_malformed_pdf_is_flagged_and_kept():
    original = hostile.malformed_pdf()
    result = run(hostile.malformed_pdf)
    assert result.content == original.data
    assert result.pages is None
    assert result.flags == [sanitising.FLAG_PDF_MALFORMED]


@pytest.mark.parametrize("sample", [hostile.hta_with_pdf_header, hostile.batch_with_pdf_header])
def test_a_program_behind_a_pdf_header_is_refused_as_not_a_pdf(sample):
    with pytest.raises(RefusedFile) as refused:
        run(sample)
    assert refused.value.reason == "not_pdf"
    assert "is not a PDF" in refused.value.message


def test_hex_escaped_names_in_a_damaged_pdf_are_caught():
    result = run(hostile.escaped_names_in_a_broken_pdf)
    assert sanitising.FLAG_PDF_MALFORMED in result.flags
    assert sanitising.FLAG_PDF_JAVASCRIPT in result.flags
    assert sanitising.FLAG_PDF_LAUNCH in result.flags


def test_a_pdf_that_opens_at_a_page_is_not_flagged():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"
    data = hostile.pdf_bytes([catalog, *hostile._pages(1)])
    assert sanitise(data, sniff(data, filename="a.pdf"), filename="a.pdf").flags == []


def test_javascript_hidden_in_a_link_is_flagged():
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages = hostile._pages(1)
    pages[1] = pages[1].replace(b">> >> >>", b">> >> /Annots [6 0 R] >>")
    link = (
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] "
        b"/A << /S /Java#53cript /J#53 (this.exportDataObject()) >> >>"
    )
    data = hostile.pdf_bytes([catalog, *pages, link])
    assert b"/JavaScript" not in data  # written with #53 escapes, so only a parser sees it
    result = sanitise(data, sniff(data, filename="a.pdf"), filename="a.pdf")
    assert sanitising.FLAG_PDF_JAVASCRIPT in result.flags


def test_the_eicar_pdf_is_a_clean_looking_pdf():
    # Nothing at this layer finds it: that is the virus scan's job (test_scanning).
    result = run(hostile.eicar_in_pdf)
    assert result.pages == 1
    assert result.flags == []


def test_heic_orientation_is_applied():
    out = io.BytesIO()
    hostile.picture().save(out, format="HEIF", exif=hostile.exif_with_gps(orientation=6).tobytes())
    data = out.getvalue()
    result = sanitise(data, sniff(data, filename="a.heic"), filename="a.heic")
    image = opened(result.content)
    assert image.size == (32, 64)
    assert close_to(image.getpixel((16, 8)), RED, tolerance=60)
    assert_no_metadata(result.content, image)


def test_a_12_megapixel_phone_photo_is_scaled_to_4000_px():
    data = hostile.jpeg_bytes(Image.new("RGB", (4032, 3024), (90, 90, 90)))
    result = sanitise(data, sniff(data, filename="a.jpg"), filename="a.jpg")
    assert (result.width, result.height) == opened(result.content).size == (4000, 3000)
    assert opened(result.thumbnail).size == (400, 300)


@pytest.mark.parametrize("size", [(700, 500), (5000, 3000)])
def test_a_16_bit_greyscale_scan_under_the_memory_cap_becomes_an_8_bit_copy(size):
    out = io.BytesIO()
    Image.new("I;16", size, 40000).save(out, format="PNG")
    data = out.getvalue()
    safe = sanitise(data, sniff(data, filename="scan.png"), filename="scan.png")
    assert safe.mime == "image/png"
    assert max(safe.width, safe.height) == min(max(size), 4000)
    copy = Image.open(io.BytesIO(safe.content))
    assert copy.mode == "L"
    assert copy.getpixel((0, 0)) == 40000 // 256
    assert Image.open(io.BytesIO(safe.thumbnail)).format == "JPEG"
