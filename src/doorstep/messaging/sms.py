"""The text rules of an SMS: look-alike characters, encoding, length, fragments, placeholders.

Pure functions, no database. The counting follows GSM 03.38 and GOV.UK Notify's documented
behaviour, so the preview an officer sees matches what the resident's phone gets and what a
provider charges for.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError

# --- Character sets (GSM 03.38) -------------------------------------------------------------

# The default alphabet: one septet each. ESC (0x1B) is left out: it is how the extension
# table is reached, not a character anyone can type.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: ESC plus the character, so two septets each. (The table's page-break
# control is left out: nobody means to send one.)
GSM_EXTENSION = frozenset("^{}\\[~]|€")

GSM_SINGLE, GSM_PART = 160, 153  # septets in one message / in each part of a long one
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units, likewise

# GOV.UK Notify refuses SMS content longer than this (6 GSM parts).
MAX_LENGTH = 918

# --- Normalising look-alikes -------------------------------------------------------------

# Characters a phone would otherwise send as UCS-2 (cutting a message from 160 to 70 characters)
# that have a GSM look-alike, replaced as GOV.UK Notify does. Values of None delete the character.
LOOK_ALIKES: dict[str, str | None] = {
    # curly and low single quotes → straight apostrophe
    "\u2018": "'",  # ‘
    "\u2019": "'",  # ’
    "\u201a": "'",  # ‚
    "\u201b": "'",  # ‛
    # curly and low double quotes → straight double quote
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',  # „
    "\u201f": '"',  # ‟
    # dashes and minus signs → hyphen-minus
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # – en dash
    "\u2014": "-",  # — em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # − minus sign
    "\u2026": "...",  # … ellipsis
    # zero-width characters: invisible, but each would force UCS-2
    "\u180e": None,  # Mongolian vowel separator
    "\u200b": None,  # zero-width space
    "\u200c": None,  # zero-width non-joiner
    "\u200d": None,  # zero-width joiner
    "\u2060": None,  # word joiner
    "\ufeff": None,  # zero-width no-break space (byte-order mark)
    # tabs and unusual spaces → plain space
    "\t": " ",
    "\u00a0": " ",  # no-break space
    "\u1680": " ",  # Ogham space mark
    **{chr(code): " " for code in range(0x2000, 0x200B)},  # en quad … hair space
    "\u202f": " ",  # narrow no-break space
    "\u205f": " ",  # medium mathematical space
    "\u3000": " ",  # ideographic space
}
_LOOK_ALIKE_TABLE = str.maketrans(LOOK_ALIKES)
# Browsers post line breaks as CRLF; a phone shows one line break, so count one. Text pasted
# from documents and web pages brings other line and paragraph separators (line and paragraph
# separator, vertical tab, form feed, next line): each would make the whole text UCS-2.
LINE_SEPARATORS = "\u2028\u2029\x0b\x0c\x85"
_LINE_BREAKS = re.compile(f"\r\n?|[{LINE_SEPARATORS}]")


def normalise(text: str) -> str:
    """Replace look-alike characters with their GSM forms and line breaks with '\\n'."""
    return _LINE_BREAKS.sub("\n", text.translate(_LOOK_ALIKE_TABLE))


# --- What GOV.UK Notify changes ------------------------------------------------------------

# Notify sends the GSM alphabet and the accented letters of Welsh as they are (a Welsh letter
# outside GSM makes the text UCS-2). Any other character it replaces before sending: a letter
# with an accent by its plain letter ("ś" -> "s"), a few letters with no accent to take off by
# their look-alike ("ł" -> "l"), anything else (emoji, other alphabets) by "?".
NOTIFY = "notify"
WELSH_LETTERS = frozenset(
    "àèìòùẁỳÀÈÌÒÙẀỲ"  # grave
    "áéíóúẃýÁÉÍÓÚẂÝ"  # acute
    "äëïöüẅÿÄËÏÖÜẄŸ"  # diaeresis
    "âêîôûŵŷÂÊÎÔÛŴŶ"  # circumflex
)
NOTIFY_KEEPS = GSM_BASIC | GSM_EXTENSION | WELSH_LETTERS
PLAIN_LOOK_ALIKES = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}


def _as_notify_sends(char: str) -> str:
    if char in NOTIFY_KEEPS:
        return char
    if char in PLAIN_LOOK_ALIKES:
        return PLAIN_LOOK_ALIKES[char]
    decomposition = unicodedata.decomposition(char)
    if decomposition and not decomposition.startswith("<"):
        base = chr(int(decomposition.split()[0], 16))
        if base in NOTIFY_KEEPS:
            return base
    return "?"


def as_sent(text: str, provider: str = "") -> str:
    """The normalised text as the resident's phone gets it through this provider."""
    text = normalise(text)
    if provider != NOTIFY:
        return text
    return "".join(_as_notify_sends(char) for char in text)


def changed_characters(text: str, provider: str = "") -> tuple[tuple[str, str], ...]:
    """Characters the provider replaces, each once with what it sends instead, in order."""
    if provider != NOTIFY:
        return ()
    found: dict[str, str] = {}
    for char in normalise(text):
        sent = _as_notify_sends(char)
        if sent != char:
            found.setdefault(char, sent)
    return tuple(found.items())


def _changes_words(changes: tuple[tuple[str, str], ...]) -> str:
    shown = [f"“{char}” as “{sent}”" for char, sent in changes]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"GOV.UK Notify will send {listed}"


# --- Measuring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsInfo:
    encoding: str  # "GSM" or "UCS-2"
    # GSM: septets (extension characters count 2). UCS-2: UTF-16 code units (an emoji is 2).
    length: int
    fragments: int
    characters_left_in_fragment: int
    # The character that made the message UCS-2, for the preview to point at.
    first_non_gsm_character: str | None
    # Characters the provider replaces before sending, with what it sends instead.
    changes: tuple[tuple[str, str], ...] = ()

    @property
    def summary(self) -> str:
        """One line for the live preview, e.g. '45 characters, 1 text message'."""
        messages = "text message" if self.fragments == 1 else "text messages"
        line = f"{self.length} characters, {self.fragments} {messages}"
        if self.first_non_gsm_character is not None:
            char = self.first_non_gsm_character
            name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
            line += (
                f". It contains “{char}” ({name}), so each text message can hold "
                f"{UCS2_SINGLE} characters instead of {GSM_SINGLE}"
            )
        if self.changes:
            line += f". {_changes_words(self.changes)}"
        return line


def _fragments(length: int, single: int, part: int) -> int:
    if length == 0:
        return 0
    return 1 if length <= single else math.ceil(length / part)


def measure(text: str, provider: str = "") -> SmsInfo:
    """How the normalised text would be sent (through `provider`, which may change characters).

    Counts assume a long GSM message can break anywhere; real handsets never split an extension
    character (or, in UCS-2, an emoji's surrogate pair) across two parts, so a message right at
    a part boundary can need one more fragment than shown. Notify ignores this too.
    """
    changes = changed_characters(text, provider)
    text = as_sent(text, provider)
    first_non_gsm = next((c for c in text if c not in GSM_BASIC and c not in GSM_EXTENSION), None)
    if first_non_gsm is None:
        encoding, single, part = "GSM", GSM_SINGLE, GSM_PART
        length = len(text) + sum(1 for c in text if c in GSM_EXTENSION)
    else:
        encoding, single, part = "UCS-2", UCS2_SINGLE, UCS2_PART
        length = len(text.encode("utf-16-le", "surrogatepass")) // 2
    fragments = _fragments(length, single, part)
    capacity = single if fragments <= 1 else fragments * part
    return SmsInfo(
        encoding=encoding,
        length=length,
        fragments=fragments,
        characters_left_in_fragment=capacity - length,
        first_non_gsm_character=first_non_gsm,
        changes=changes,
    )


def check_length(text: str) -> None:
    """Refuse text over Notify's limit.

    Counted as Notify does: characters of the normalised text, whatever the encoding
    (an extension character or an emoji counts 1 here, though each costs 2 in `measure`).
    """
    length = len(normalise(text))
    if length > MAX_LENGTH:
        excess = length - MAX_LENGTH
        unit = "character" if excess == 1 else "characters"
        raise ValidationError(
            f"The message is {length} characters long. The most a text can be is "
            f"{MAX_LENGTH} characters: remove {excess} {unit}",
            code="too_long",
        )


# --- Placeholders ---------------------------------------------------------------------------

# ((name)): no brackets or line breaks inside. Names are case-insensitive and may have spaces.
PLACEHOLDER = re.compile(r"\(\(([^()\n]+)\)\)")


def placeholder_key(name: str) -> str:
    """'  First   Name ' -> 'first name'."""
    return " ".join(name.split()).lower()


def placeholders(template_text: str) -> list[str]:
    """Placeholder names in the order they first appear, each once, in normalised form."""
    found: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(template_text):
        key = placeholder_key(match.group(1))
        if key:
            found.setdefault(key)
    return list(found)


def _join(names: list[str]) -> str:
    shown = [f"(({name}))" for name in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def render(
    template_text: str,
    values: Mapping[str, str | None],
    *,
    allowed: Iterable[str] | None = None,
) -> str:
    """Fill in a template's placeholders, then normalise and check the length.

    Values go in one pass, so a value that itself looks like '((other))' is sent as written,
    never expanded. `allowed` (if given) is the set of placeholder names templates may use.
    """
    names = placeholders(template_text)
    given = {placeholder_key(k): v for k, v in values.items() if v is not None}
    allowed_keys = None if allowed is None else {placeholder_key(name) for name in allowed}
    errors = []
    if allowed_keys is not None:
        unknown = [name for name in names if name not in allowed_keys]
        if unknown:
            if allowed_keys:
                usable = ", ".join(f"(({name}))" for name in sorted(allowed_keys))
                them = "it" if len(unknown) == 1 else "them"
                message = (
                    f"Remove {_join(unknown)} or change {them} to a placeholder you can use: "
                    f"{usable}"
                )
            else:
                message = f"Remove {_join(unknown)}: this message cannot have placeholders"
            errors.append(ValidationError(message, code="unknown_placeholder"))
    # An unknown placeholder is reported once, as unknown, not again as missing.
    missing = [
        name
        for name in names
        if name not in given and (allowed_keys is None or name in allowed_keys)
    ]
    if missing:
        errors.append(
            ValidationError(f"There is no value for {_join(missing)}", code="missing_value")
        )
    if errors:
        raise ValidationError(errors)

    def fill(match: re.Match[str]) -> str:
        key = placeholder_key(match.group(1))
        return given[key] if key else match.group(0)

    text = normalise(PLACEHOLDER.sub(fill, template_text))
    check_length(text)
    return text
