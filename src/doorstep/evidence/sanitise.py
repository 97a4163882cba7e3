"""Make a resident's file safe to show to a reviewer.

Images are decoded and encoded again: the copy holds only pixels, so EXIF (GPS position, the
phone's make and serial number), XMP, comments, colour profiles and anything appended to the
file (a ZIP hidden after a JPEG) are gone. The orientation the phone recorded is applied to the
pixels, HEIC/HEIF becomes JPEG, and the long side is scaled down to at most 4,000 px.

PDFs are not rewritten (a rewrite can lose what the resident meant to send); they are parsed,
page-counted and checked for active content, and anything a reviewer should know is written in
`flags` in plain English. The original is kept beside the copy for audit either way.

Raises `RefusedFile` (from filetypes) for images that cannot be used: damaged, truncated, or
decompression bombs (a small file that would decode to billions of pixels), and for files that
only start like a PDF (an HTML application or batch file behind a `%PDF-` header).
"""

import io
import logging
import re
import warnings
from dataclasses import dataclass, field

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .filetypes import RefusedFile, Sniffed, quoted

# Only the main picture is used: skip reading the depth maps, thumbnails and other extra
# images iPhones store beside it.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MAX_SIDE = 4000
# Scaling down by less than this much is done by dropping rows and columns (see below).
NEAREST_ABOVE = 0.95
THUMBNAIL_SIDE = 400
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
# Refused before decoding: 50 megapixels covers every phone's normal photo (a 48 MP sensor
# gives 8,000 x 6,000) and keeps one decode under ~200 MB of memory.
MAX_PIXELS = 50_000_000
# And before decoding, what the decoded picture would take in memory: pixels x bytes a pixel,
# from the file's header (a 16-bit PNG with transparency is 8 bytes a pixel, so a few hundred KB
# can need over 600 MB in the worker) and from how Pillow holds that mode.
MAX_DECODE_BYTES = 200 * 1024 * 1024
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}  # others: 4
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type
# PDFs with more pages than this are still counted, but only the first ones are inspected.
PDF_PAGES_INSPECTED = 500

FLAG_PDF_ENCRYPTED = (
    "This PDF is password-protected, so it could not be checked or counted. Ask for a copy "
    "without a password, or photos of the pages."
)
FLAG_PDF_MALFORMED = (
    "This PDF is malformed (damaged or not made properly), so it could not be fully checked. "
    "Open it with care."
)
FLAG_PDF_JAVASCRIPT = "This PDF contains JavaScript (code that can run when it is opened)."
FLAG_PDF_LAUNCH = "This PDF has a launch action: it tries to open another program or file."
FLAG_PDF_EMBEDDED = "This PDF has embedded files attached inside it."
FLAG_PDF_AUTO_ACTION = "This PDF runs actions automatically when it is opened or read."
FLAG_IMAGE_FRAMES = "This image had several frames (an animation); only the first is kept."

logger = logging.getLogger(__name__)


@dataclass
class Sanitised:
    content: bytes
    mime: str
    extension: str
    width: int | None = None
    height: int | None = None
    pages: int | None = None
    thumbnail: bytes | None = None  # a small JPEG, at most 400 px on the long side
    flags: list[str] = field(default_factory=list)


def sanitise(data: bytes, sniffed: Sniffed, *, filename: str) -> Sanitised:
    """A safe copy of `data`, whose type `filetypes.sniff` decided."""
    if sniffed.kind == "pdf":
        return _sanitise_pdf(data, filename=filename)
    return _sanitise_image(data, sniffed, filename=filename)


# Images -----------------------------------------------------------------------------------


def _damaged(filename: str) -> RefusedFile:
    return RefusedFile(
        f"{quoted(filename)} could not be opened: it may be damaged or only partly sent. "
        "Take the photo again, or choose the file again, and send it.",
        reason="damaged",
    )


def _too_many_pixels(filename: str) -> RefusedFile:
    return RefusedFile(
        f"{quoted(filename)} is too big a picture to check (more than {MAX_PIXELS // 1_000_000} "
        "megapixels). Take a normal photo of the document instead.",
        reason="too_many_pixels",
    )


def _too_much_memory(filename: str) -> RefusedFile:
    return RefusedFile(
        f"{quoted(filename)} is too big a picture to check: it would take more than "
        f"{MAX_DECODE_BYTES // (1024 * 1024)} MB of memory to open. Take a normal photo of the "
        "document instead, or save it with fewer colours.",
        reason="too_much_memory",
    )


def _png_pixel_bytes(data: bytes) -> int:
    """Bytes a pixel from a PNG's header (bit depth x channels); 0 if it cannot be read."""
    if len(data) < 26 or data[12:16] != b"IHDR":
        return 0
    bit_depth, colour_type = data[24], data[25]
    return -(-bit_depth * _PNG_CHANNELS.get(colour_type, 4) // 8)


def _decode_bytes(image: Image.Image, data: bytes, kind: str) -> int:
    """Memory the decoded picture would take, from its header, without decoding it."""
    per_pixel = _MODE_BYTES.get(image.mode, 4)
    if kind == "png":
        per_pixel = max(per_pixel, _png_pixel_bytes(data))
    width, height = image.size
    return width * height * per_pixel


def _check_size(image: Image.Image, data: bytes, sniffed: Sniffed, *, filename: str) -> None:
    """Refuse, before decoding, a picture with too many pixels or too big to hold in memory."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(filename)
    if sniffed.kind == "jpeg":
        # Decode at 1/2, 1/4 or 1/8 scale when the photo is far bigger than we keep:
        # libjpeg does this almost for free.
        image.draft("RGB", _scaled(image.size, MAX_SIDE))
    if _decode_bytes(image, data, sniffed.kind) > MAX_DECODE_BYTES:
        raise _too_much_memory(filename)


def _scaled(size: tuple[int, int], side: int) -> tuple[int, int]:
    width, height = size
    ratio = side / max(width, height)
    if ratio >= 1:
        return width, height
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _opaque(image: Image.Image) -> Image.Image:
    """RGB pixels for JPEG: transparency is laid on white, as a viewer would show it."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    return image


def _open_image(data: bytes, sniffed: Sniffed, *, filename: str) -> tuple[Image.Image, list[str]]:
    flags: list[str] = []
    try:
        with warnings.catch_warnings():
            # Our own limit below is lower than Pillow's warning threshold.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[sniffed.kind]])
            _check_size(image, data, sniffed, filename=filename)
            if getattr(image, "n_frames", 1) > 1:
                flags.append(FLAG_IMAGE_FRAMES)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(filename) from error
    except RefusedFile:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise _damaged(filename) from error
    except Exception as error:  # noqa: BLE001 - a decoder may fail in any way on hostile input
        logger.warning("Image decoder failed on an upload: %r", error)
        raise _damaged(filename) from error
    return image, flags


_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}


def _eight_bit(image: Image.Image) -> Image.Image:
    """16-bit and integer greyscale as 8-bit: Pillow cannot resize or thumbnail those modes,
    and a document photo gains nothing from the extra depth (the original is kept)."""
    if image.mode.startswith("I"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image


def _sanitise_image(data: bytes, sniffed: Sniffed, *, filename: str) -> Sanitised:
    image, flags = _open_image(data, sniffed, filename=filename)
    image = _eight_bit(image)
    target = _scaled(image.size, MAX_SIDE)
    if target != image.size:
        # The common case is a 12 MP phone photo, 4,032 px: 0.8% too long. Dropping one row and
        # column in 126 is invisible and takes a tenth of the time of filtering every pixel.
        slight = max(target) / max(image.size) >= NEAREST_ABOVE
        method = Image.Resampling.NEAREST if slight else Image.Resampling.BILINEAR
        image = image.resize(target, method, reducing_gap=None if slight else 2.0)

    # Pillow's encoders copy some of `info` (comments, colour profiles, text chunks) into the
    # new file; only transparency is pixel data.
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    out = io.BytesIO()
    if sniffed.kind == "png":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", compress_level=6)
        mime, extension = "image/png", "png"
    elif sniffed.kind == "webp":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(out, format="WEBP", quality=JPEG_QUALITY, method=4)
        mime, extension = "image/webp", "webp"
    else:  # JPEG, and HEIC/HEIF converted to JPEG
        image = _opaque(image)
        image.save(out, format="JPEG", quality=JPEG_QUALITY)
        mime, extension = "image/jpeg", "jpg"

    return Sanitised(
        content=out.getvalue(),
        mime=mime,
        extension=extension,
        width=image.width,
        height=image.height,
        thumbnail=_thumbnail(image),
        flags=flags,
    )


def _thumbnail(image: Image.Image) -> bytes:
    size = _scaled(image.size, THUMBNAIL_SIDE)
    thumb = _opaque(image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0))
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


# PDFs -------------------------------------------------------------------------------------

# Raw markers, looked for in the bytes as a second opinion when the structure cannot be read
# (damaged or encrypted files) or hides objects the walk below does not reach.
_RAW_MARKERS = {
    b"/JavaScript": FLAG_PDF_JAVASCRIPT,
    b"/JS": FLAG_PDF_JAVASCRIPT,
    b"/Launch": FLAG_PDF_LAUNCH,
    b"/EmbeddedFile": FLAG_PDF_EMBEDDED,
}


def _resolve(value):
    seen = 0
    while isinstance(value, IndirectObject) and seen < 32:
        value = value.get_object()
        seen += 1
    return value


def _action_flags(action) -> set[str]:
    """Flags for one action dictionary and the actions chained after it (/Next)."""
    flags: set[str] = set()
    pending, visited = [action], 0
    while pending and visited < 100:
        visited += 1
        item = _resolve(pending.pop())
        if isinstance(item, ArrayObject):
            pending.extend(item)
            continue
        if not isinstance(item, DictionaryObject):
            continue
        kind = _resolve(item.get("/S"))
        if kind == "/JavaScript" or "/JS" in item:
            flags.add(FLAG_PDF_JAVASCRIPT)
        if kind == "/Launch":
            flags.add(FLAG_PDF_LAUNCH)
        if "/Next" in item:
            pending.append(item["/Next"])
    return flags


def _additional_actions(holder) -> set[str]:
    actions = _resolve(holder.get("/AA")) if isinstance(holder, DictionaryObject) else None
    if not isinstance(actions, DictionaryObject) or not actions:
        return set()
    flags = {FLAG_PDF_AUTO_ACTION}
    for action in actions.values():
        flags |= _action_flags(action)
    return flags


def _active_content(reader: PdfReader) -> set[str]:
    root = _resolve(reader.trailer.get("/Root"))
    if not isinstance(root, DictionaryObject):
        return set()
    flags = _catalogue_flags(root)
    for number, page in enumerate(reader.pages):
        if number >= PDF_PAGES_INSPECTED:
            break
        flags |= _page_flags(page)
    return flags


def _catalogue_flags(root: DictionaryObject) -> set[str]:
    """What the document itself does: on opening, by name, in its form fields."""
    flags: set[str] = set()
    open_action = _resolve(root.get("/OpenAction"))
    # Opening at a page ([page /Fit] or a /GoTo action) is ordinary; any other action is not.
    if isinstance(open_action, DictionaryObject):
        if _resolve(open_action.get("/S")) != "/GoTo" or "/Next" in open_action:
            flags.add(FLAG_PDF_AUTO_ACTION)
        flags |= _action_flags(open_action)
    flags |= _additional_actions(root)
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names:
            flags.add(FLAG_PDF_JAVASCRIPT)
        if "/EmbeddedFiles" in names:
            flags.add(FLAG_PDF_EMBEDDED)
    form = _resolve(root.get("/AcroForm"))
    if isinstance(form, DictionaryObject):
        for field_ref in _resolve(form.get("/Fields")) or []:
            flags |= _additional_actions(_resolve(field_ref))
    return flags


def _page_flags(page) -> set[str]:
    """What one page does: its own actions and its annotations' (links, attachments)."""
    flags = _additional_actions(page)
    for annotation in _resolve(page.get("/Annots")) or []:
        annotation = _resolve(annotation)
        if not isinstance(annotation, DictionaryObject):
            continue
        if _resolve(annotation.get("/Subtype")) == "/FileAttachment":
            flags.add(FLAG_PDF_EMBEDDED)
        if "/A" in annotation:
            flags |= _action_flags(annotation["/A"])
        flags |= _additional_actions(annotation)
    return flags


def _ordered(flags: set[str]) -> list[str]:
    order = [
        FLAG_PDF_ENCRYPTED,
        FLAG_PDF_MALFORMED,
        FLAG_PDF_JAVASCRIPT,
        FLAG_PDF_LAUNCH,
        FLAG_PDF_EMBEDDED,
        FLAG_PDF_AUTO_ACTION,
    ]
    return [flag for flag in order if flag in flags]


def _read_pdf(data: bytes) -> tuple[set[str], int | None, bool]:
    """What the parser finds: flags, the page count, and whether the structure could be read."""
    flags: set[str] = set()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty password only to restrict printing; those
            # open (and can be checked) like any other.
            try:
                readable = bool(reader.decrypt(""))
            except (PyPdfError, NotImplementedError, ValueError, KeyError):
                readable = False
            if not readable:
                return {FLAG_PDF_ENCRYPTED}, None, True
        return flags | _active_content(reader), len(reader.pages), True
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        logger.info("PDF could not be parsed: %r", error)
    except RecursionError:
        pass
    except Exception as error:  # noqa: BLE001 - hostile PDFs break parsers in many ways
        logger.warning("PDF parser failed on an upload: %r", error)
    return {FLAG_PDF_MALFORMED}, None, False


# A PDF's body is numbered objects ("12 0 obj"); a file with a PDF header and none of them, or
# with markup or commands a double-click would run, is something else wearing the header (an
# HTML application, a batch file) and is refused rather than kept as a damaged PDF.
_OBJECT_HEADER = re.compile(rb"\d+\s+\d+\s+obj\b")
_RUNNABLE = re.compile(
    rb"<\s*(?:script|hta:application|html|body|iframe|object|embed)\b|^\s*@?echo\s+off\b",
    re.I | re.M,
)


def _not_a_pdf(filename: str) -> RefusedFile:
    return RefusedFile(
        f"{quoted(filename)} is not a PDF we can open: it only starts like one. Save the document "
        "as a PDF again, or take a photo of it. Send a photo (JPEG, PNG, HEIC) or a PDF.",
        reason="not_pdf",
    )


def _sanitise_pdf(data: bytes, *, filename: str) -> Sanitised:
    # pypdf logs every oddity it repairs; those are not ours to report.
    pypdf_logger = logging.getLogger("pypdf")
    previous_level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        flags, pages, parsed = _read_pdf(data)
    finally:
        pypdf_logger.setLevel(previous_level)
    if not parsed and (not _OBJECT_HEADER.search(data) or _RUNNABLE.search(data)):
        raise _not_a_pdf(filename)

    # Encrypted objects cannot be read, and a damaged file may hide what the walk above
    # missed; the raw bytes still show names written in the clear, or with #xx escapes.
    raw = _decoded_names(data)
    for marker, flag in _RAW_MARKERS.items():
        if _has_name(raw, marker):
            flags.add(flag)
    return Sanitised(
        content=data,
        mime="application/pdf",
        extension="pdf",
        pages=pages,
        flags=_ordered(flags),
    )


_NAME = re.compile(rb"/[^\x00\t\n\f\r /%()<>\[\]{}]+")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _decoded_names(data: bytes) -> bytes:
    """The bytes with every PDF name's #xx escapes decoded (/Java#53cript is /JavaScript)."""
    if b"#" not in data:
        return data

    def decode(name: re.Match) -> bytes:
        return _NAME_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), name.group())

    return _NAME.sub(decode, data)


def _has_name(data: bytes, marker: bytes) -> bool:
    """Whether a PDF name such as /JS appears whole (so /JSON or /JBIG2 don't count)."""
    start = 0
    while (found := data.find(marker, start)) != -1:
        after = data[found + len(marker) : found + len(marker) + 1]
        if not after or not (after.isalnum() or after in b"#_-."):
            return True
        start = found + 1
    return False
