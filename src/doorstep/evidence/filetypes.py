"""What a resident's file really is, decided from its first bytes, never from its name.

Only photos (JPEG, PNG, HEIC/HEIF, WebP) and PDFs are accepted. Everything else is refused with
a `RefusedFile` whose `message` names the file and says what to do instead, in words a resident
can act on. The name a phone or browser sends is only ever shown back (made safe by
`safe_filename`); it is never used to decide anything or to name a stored file.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

ACCEPTED = "Send a photo (JPEG, PNG, HEIC) or a PDF."
MAX_NAME_LENGTH = 100
# The first bytes are enough for every check below; callers may pass just these.
HEAD_BYTES = 4096


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "jpeg" | "png" | "heic" | "webp" | "pdf"
    mime: str
    extension: str


JPEG = Sniffed("jpeg", "image/jpeg", "jpg")
PNG = Sniffed("png", "image/png", "png")
HEIC = Sniffed("heic", "image/heic", "heic")
WEBP = Sniffed("webp", "image/webp", "webp")
PDF = Sniffed("pdf", "application/pdf", "pdf")
# The extension for each type a stored file (original or safe copy) can be.
EXTENSIONS = {sniffed.mime: sniffed.extension for sniffed in (JPEG, PNG, HEIC, WEBP, PDF)}


class RefusedFile(Exception):
    """A file we will not keep. `message` is for the resident (and the officer); `reason` is a
    short code for logs and tests: empty, too_large, executable, markup, svg, archive, office,
    unknown, damaged, too_many_pixels, too_much_memory, not_pdf."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def quoted(filename: str) -> str:
    return f"‘{safe_filename(filename)}’"


# HEIF is an ISO media file: "ftyp" at offset 4, then brands. These brands mean HEIC/HEIF
# stills (and image sequences, of which we keep the main image).
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"heif"}
_HEIF_GENERIC = {b"mif1", b"msf1"}

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), both byte orders, 32 and 64 bit
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (also Java classes)
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
)
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Word/Excel files
_MARKUP = re.compile(
    rb"^\s*(<!doctype|<html|<head|<body|<script|<iframe|<\?xml|<svg|<!--|<\?php|<%)", re.I
)


def _heif_brands(head: bytes) -> set[bytes]:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return set()
    box_size = int.from_bytes(head[0:4], "big")
    box = head[8 : min(max(box_size, 16), len(head), 8 + 256)]
    brands = {box[0:4]}
    brands.update(box[i : i + 4] for i in range(8, len(box) - 3, 4))
    return brands


def sniff(data_or_head: bytes, *, filename: str) -> Sniffed:
    """Decide what a file is from its content. Raises RefusedFile for anything not accepted."""
    head = bytes(data_or_head[:HEAD_BYTES])
    name = quoted(filename)
    if not head:
        raise RefusedFile(
            f"{name} is empty (0 bytes). Choose the file again, or take a new photo.",
            reason="empty",
        )
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[0:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.lstrip(b"\x00\t\n\f\r ").startswith(b"%PDF-"):
        return PDF
    brands = _heif_brands(head)
    if brands & _HEIF_BRANDS or (brands & _HEIF_GENERIC and b"avif" not in brands):
        return HEIC

    if head.startswith(_EXECUTABLE_MAGIC):
        raise RefusedFile(f"{name} is not a photo or a PDF. {ACCEPTED}", reason="executable")
    if re.match(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype svg|<svg)", head, re.I | re.S):
        raise RefusedFile(
            f"{name} is a drawing (SVG), which we cannot accept because it can contain code. "
            f"{ACCEPTED}",
            reason="svg",
        )
    if _MARKUP.match(head) or head.lstrip()[:1] == b"<":
        raise RefusedFile(f"{name} is not a photo or a PDF. {ACCEPTED}", reason="markup")
    if head.startswith(_ARCHIVE_MAGIC) or head.startswith(_OLE_MAGIC):
        reason = "office" if head.startswith((b"PK\x03\x04", _OLE_MAGIC)) else "archive"
        raise RefusedFile(
            f"{name} is not a photo or a PDF. If it is a document, save it as a PDF or take a "
            f"photo of it. {ACCEPTED}",
            reason=reason,
        )
    raise RefusedFile(f"{name} is not a photo or a PDF. {ACCEPTED}", reason="unknown")


def max_file_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_FILE_MB", 20)) * 1024 * 1024


def check_size(size: int, *, filename: str) -> None:
    """Refuse empty files and files over EVIDENCE_MAX_FILE_MB, before reading them."""
    limit_mb = int(getattr(settings, "EVIDENCE_MAX_FILE_MB", 20))
    if size <= 0:
        raise RefusedFile(
            f"{quoted(filename)} is empty (0 bytes). Choose the file again, or take a new photo.",
            reason="empty",
        )
    if size > max_file_bytes():
        size_mb = size / (1024 * 1024)
        raise RefusedFile(
            f"{quoted(filename)} is {size_mb:.0f} MB. Each file must be {limit_mb} MB or "
            "smaller: take a photo of the document instead, or send a smaller copy.",
            reason="too_large",
        )


# Characters that must never reach a page or a log as part of a name: path separators,
# control characters and invisible formatting (e.g. U+202E, which shows "gpj.exe" as "exe.jpg").
_SEPARATORS = re.compile(r"[/\\]+")


def safe_filename(name: str) -> str:
    """A readable, harmless version of the name a resident's device sent, for display only."""
    name = unicodedata.normalize("NFC", str(name or ""))
    parts = [part for part in _SEPARATORS.split(name) if part.strip() not in ("", ".", "..")]
    name = parts[-1] if parts else ""
    name = "".join(
        " " if char.isspace() else char
        for char in name
        if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn") or char.isspace()
    )
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name:
        return "file"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            keep = MAX_NAME_LENGTH - len(extension) - 2
            name = f"{stem[:keep].rstrip()}….{extension}"
        else:
            name = name[: MAX_NAME_LENGTH - 1].rstrip() + "…"
    return name


def download_name(label: str, day: datetime.date, extension: str) -> str:
    """The name a file is downloaded under: Doorstep's own words (e.g. the document type and
    the day it came) and the extension of the type its content really is. Never the name the
    sender's device gave, which may hide a program (`Payslip.pdf.hta`)."""
    words = re.sub(r"[^\w ()-]+", " ", label, flags=re.ASCII)
    words = re.sub(r"\s+", " ", words).strip()[:80].strip() or "Document"
    return f"{words} {day.isoformat()}.{extension}"
