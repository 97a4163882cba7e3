"""Reading a search: a date of birth (UK day-first or with a month name), a full postcode,
and the words of a name, from free text."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from doorstep.core.validators import looks_like_postcode, normalise_postcode

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# Day first, as people write dates in the UK: 01/02/1980 is 1 February 1980.
DATE_PATTERNS = [
    (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), False),
    (re.compile(r"\b(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})\b"), False),
    (
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b",
            re.IGNORECASE,
        ),
        True,
    ),
    (
        re.compile(
            rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
            re.IGNORECASE,
        ),
        True,
    ),
]
# A full postcode inside longer text, with or without its space.
POSTCODE_IN_TEXT_RE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
WORD_RE = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W\d_])?")


@dataclass
class ParsedQuery:
    date_of_birth: datetime.date | None = None
    postcode: str | None = None
    words: list[str] = field(default_factory=list)
    # Something was typed that is neither a name, a date nor a postcode.
    unreadable: bool = False


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    for pattern, named_month in DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parsed.date_of_birth = _date_or_none(match, named_month)
        if parsed.date_of_birth is None:
            parsed.unreadable = True
        text = text[: match.start()] + " " + text[match.end() :]
        break
    match = POSTCODE_IN_TEXT_RE.search(text)
    if match and looks_like_postcode(match.group(1) + match.group(2)):
        parsed.postcode = normalise_postcode(match.group(1) + match.group(2))
        text = text[: match.start()] + " " + text[match.end() :]
    leftover = WORD_RE.sub(" ", text)
    if re.search(r"\w", leftover):
        parsed.unreadable = True
    parsed.words = list(dict.fromkeys(word.casefold() for word in WORD_RE.findall(text)))
    return parsed


def _date_or_none(match: re.Match, named_month: bool) -> datetime.date | None:
    year = int(match.group("y"))
    if year < 100:
        # Two-digit years: "80" is 1980, "05" is 2005.
        this_year = timezone.localdate().year
        year += 2000 if 2000 + year <= this_year else 1900
    month = MONTHS[match.group("m").lower()] if named_month else int(match.group("m"))
    try:
        return datetime.date(year, month, int(match.group("d")))
    except ValueError:
        return None
