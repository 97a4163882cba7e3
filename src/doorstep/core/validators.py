"""UK-specific checks and normalisation: phone numbers, postcodes, National Insurance numbers.

Each `normalise_*` function returns the canonical form or raises ValidationError with a
message written for the person who typed the value.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import PhoneNumberType

# --- Phone numbers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    e164: str
    is_mobile: bool

    @property
    def national(self) -> str:
        return format_phone_for_display(self.e164)


MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# Ofcom keeps these ranges for drama and testing (GOV.UK Notify's test numbers are among them).
# phonenumbers calls them invalid; we accept them so demos and provider tests can use them.
OFCOM_TEST_MOBILES = re.compile(r"^\+447700900\d{3}$")
OFCOM_TEST_LANDLINES = re.compile(r"^\+441632960\d{3}$")


def parse_phone(value: str) -> Phone:
    """Read a phone number typed in any common format; UK numbers need no country code."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("Enter a phone number", code="required")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            code="invalid",
        ) from error
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if OFCOM_TEST_MOBILES.match(e164):
        return Phone(e164=e164, is_mobile=True)
    if OFCOM_TEST_LANDLINES.match(e164):
        return Phone(e164=e164, is_mobile=False)
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            code="invalid",
        )
    return Phone(e164=e164, is_mobile=phonenumbers.number_type(number) in MOBILE_TYPES)


def format_phone_for_display(e164: str) -> str:
    """UK numbers as people write them ('07700 900982'); others in international form."""
    number = phonenumbers.parse(e164)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def normalise_phone(value: str) -> str:
    return parse_phone(value).e164


def looks_like_phone(text: str) -> bool:
    digits = re.sub(r"[\s\-().]", "", text)
    return bool(re.fullmatch(r"\+?\d{10,14}", digits))


# --- Postcodes -----------------------------------------------------------------------------

# The shape of a UK postcode (outward code, space, inward code), GIR 0AA included.
POSTCODE_RE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


# The postcode areas (the letters before the first digit) that exist. Source: Royal Mail's
# Postcode Address File as summarised by the ONS Postcode Directory (121 geographic areas in
# Great Britain and Northern Ireland), plus the Crown Dependencies (Guernsey, Jersey, Isle of
# Man), which residents may move from. Non-geographic areas (BF for British Forces, BX for
# bulk mail) are not places a resident lives, so they are refused. GIR 0AA is Girobank's.
GEOGRAPHIC_AREAS = frozenset(
    """
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS
    LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO
    SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
    """.split()
)
CROWN_DEPENDENCY_AREAS = frozenset({"GY", "JE", "IM"})
POSTCODE_AREAS = GEOGRAPHIC_AREAS | CROWN_DEPENDENCY_AREAS


def _is_postcode(compact: str) -> bool:
    if not POSTCODE_RE.match(compact):
        return False
    return compact == "GIR0AA" or re.match(r"[A-Z]+", compact).group() in POSTCODE_AREAS


def normalise_postcode(value: str) -> str:
    """'e8  1dy' -> 'E8 1DY'."""
    compact = re.sub(r"\s+", "", (value or "")).upper()
    if not compact:
        raise ValidationError("Enter a postcode", code="required")
    if not _is_postcode(compact):
        raise ValidationError("Enter a real postcode, like E8 1DY", code="invalid")
    return f"{compact[:-3]} {compact[-3:]}"


def looks_like_postcode(text: str) -> bool:
    return _is_postcode(re.sub(r"\s+", "", text).upper())


# --- National Insurance numbers ------------------------------------------------------------

NINO_RE = re.compile(r"^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D])$")
NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def normalise_ni_number(value: str) -> str:
    """'ab 12 34 56 c' -> 'AB123456C', checking the prefix rules HMRC publishes."""
    compact = re.sub(r"[\s-]+", "", (value or "")).upper()
    if not compact:
        raise ValidationError("Enter a National Insurance number", code="required")
    match = NINO_RE.match(compact)
    if not match or compact[:2] in NINO_BAD_PREFIXES:
        raise ValidationError(
            "Enter a National Insurance number in the correct format, like AB 12 34 56 C",
            code="invalid",
        )
    return compact


def looks_like_ni_number(text: str) -> bool:
    try:
        normalise_ni_number(text)
    except ValidationError:
        return False
    return True


def format_ni_number(value: str) -> str:
    return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8:]}" if value else ""
