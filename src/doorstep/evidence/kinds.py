"""The reviewers' finer list of what a document actually is.

A request asks for a document type ("Proof of income"); the reviewer records what arrived
("P60"). Each kind says whether it runs out (so the reviewer is asked for its expiry date) and
which seeded document types it usually answers, so the accept form can offer those first.
Kinds are stored on `RequestedDocument.actual_kind` by slug.
"""

from dataclasses import dataclass

# Names of the seeded document types (migration 0004); a council may rename them, in which case
# every kind is simply offered for every type.
PHOTO_ID = "Photo ID"
ADDRESS = "Proof of address"
INCOME = "Proof of income (payslips)"
BANK = "Bank statements"
UNIVERSAL_CREDIT = "Universal Credit statement"
AWARD = "Benefit award letter"
MEDICAL = "Medical evidence"
TENANCY = "Tenancy agreement"
NOTICE = "Notice to quit or eviction notice"
IMMIGRATION = "Immigration status"
PREGNANCY = "Pregnancy (MAT B1)"
COUNCIL_TAX = "Council tax bill"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    expires: bool
    document_types: tuple[str, ...]


KINDS: tuple[Kind, ...] = (
    Kind("payslip", "Payslip", False, (INCOME,)),
    Kind("p60", "P60", False, (INCOME,)),
    Kind("p45", "P45", False, (INCOME,)),
    Kind("self_employed_accounts", "Self-employed accounts or tax return", False, (INCOME,)),
    Kind("pension_statement", "Pension statement", False, (INCOME, BANK)),
    Kind("bank_statement", "Bank statement", False, (BANK, ADDRESS, INCOME)),
    Kind("uc_statement", "Universal Credit statement", False, (UNIVERSAL_CREDIT, INCOME)),
    Kind("award_letter", "Benefit award letter", True, (AWARD, INCOME, ADDRESS)),
    Kind("passport", "Passport", True, (PHOTO_ID, IMMIGRATION)),
    Kind("driving_licence", "Photocard driving licence", True, (PHOTO_ID, ADDRESS)),
    Kind("national_id_card", "National identity card", True, (PHOTO_ID, IMMIGRATION)),
    Kind("brp", "Biometric residence permit", True, (IMMIGRATION, PHOTO_ID)),
    Kind("settled_status", "Settled status (share code)", False, (IMMIGRATION,)),
    Kind("pre_settled_status", "Pre-settled status (share code)", True, (IMMIGRATION,)),
    Kind("visa", "Visa or leave to remain", True, (IMMIGRATION,)),
    Kind("home_office_letter", "Home Office letter", False, (IMMIGRATION,)),
    Kind("gp_letter", "GP letter", False, (MEDICAL,)),
    Kind("hospital_letter", "Hospital letter", False, (MEDICAL,)),
    Kind("fit_note", "Fit note", True, (MEDICAL,)),
    Kind("prescription", "Prescription list", False, (MEDICAL,)),
    Kind("mat_b1", "MAT B1 certificate", False, (PREGNANCY, MEDICAL)),
    Kind("pregnancy_letter", "Midwife or scan letter", False, (PREGNANCY, MEDICAL)),
    Kind("tenancy_agreement", "Tenancy agreement", False, (TENANCY, ADDRESS)),
    Kind("licence_agreement", "Licence or lodger agreement", False, (TENANCY, ADDRESS)),
    Kind("rent_statement", "Rent statement or arrears letter", False, (TENANCY, ADDRESS)),
    Kind("section_21", "Section 21 notice", False, (NOTICE,)),
    Kind("section_8", "Section 8 notice", False, (NOTICE,)),
    Kind("notice_to_quit", "Notice to quit", False, (NOTICE,)),
    Kind("possession_order", "Court possession order or bailiff notice", False, (NOTICE,)),
    Kind("council_tax_bill", "Council tax bill", False, (COUNCIL_TAX, ADDRESS)),
    Kind("utility_bill", "Utility bill", False, (ADDRESS,)),
    Kind("other", "Something else", False, ()),
)

_BY_SLUG = {kind.slug: kind for kind in KINDS}


def get(slug: str) -> Kind | None:
    return _BY_SLUG.get(slug)


def label(slug: str) -> str:
    kind = _BY_SLUG.get(slug)
    return kind.label if kind else slug


def expires(slug: str) -> bool:
    kind = _BY_SLUG.get(slug)
    return bool(kind and kind.expires)


def choices_for(document_type_name: str) -> list[tuple[str, str]]:
    """Kinds for a document type, its usual kinds first, then the rest, "Something else" last."""
    usual = [k for k in KINDS if document_type_name in k.document_types]
    rest = [k for k in KINDS if k not in usual and k.slug != "other"]
    ordered = [*usual, *rest, _BY_SLUG["other"]]
    return [(kind.slug, kind.label) for kind in ordered]


def expiring_slugs() -> list[str]:
    return [kind.slug for kind in KINDS if kind.expires]
