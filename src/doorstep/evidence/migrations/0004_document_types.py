"""The starting catalogue of document types for a UK benefits and housing-needs service.

Administrators change, add and take types out of use on the catalogue pages; this only adds the
types that are not there yet (by name), so it never overwrites a council's own wording.
"""

from django.db import migrations

# name, guidance for the resident, most files, several pages, days kept after the decision, expires
DOCUMENT_TYPES = [
    (
        "Photo ID",
        "A clear photo of your passport photo page, photocard driving licence or national "
        "identity card. Make sure all four corners and your photo can be seen.",
        2,
        False,
        90,
        True,
    ),
    (
        "Proof of address",
        "A letter or bill from the last 3 months with your name and address on it, such as a "
        "bank statement, a utility bill or a letter from a government office.",
        3,
        False,
        365,
        False,
    ),
    (
        "Proof of income (payslips)",
        "A photo of each of your payslips from the last 2 months. If you are self-employed, "
        "send your latest accounts or tax return.",
        10,
        True,
        365,
        False,
    ),
    (
        "Bank statements",
        "A photo of every page of your bank statements for the last 2 months, for every "
        "account you have. Your name and account number must be shown.",
        20,
        True,
        365,
        False,
    ),
    (
        "Universal Credit statement",
        "A photo or screenshot of your latest Universal Credit statement from your online "
        "journal. Include every part that shows the amounts and dates.",
        6,
        True,
        365,
        False,
    ),
    (
        "Benefit award letter",
        "A photo of every page of your latest award letter for each benefit you get, such as "
        "PIP, Child Benefit, Pension Credit or ESA.",
        10,
        True,
        365,
        True,
    ),
    (
        "Medical evidence",
        "A photo of every page of a letter from your GP, hospital or another health "
        "professional about your health condition or disability.",
        10,
        True,
        180,
        False,
    ),
    (
        "Tenancy agreement",
        "A photo of every page of your tenancy or licence agreement, including the page with "
        "the signatures.",
        20,
        True,
        730,
        False,
    ),
    (
        "Notice to quit or eviction notice",
        "A photo of every page of the notice your landlord gave you, such as a section 21 or "
        "section 8 notice, and any court papers. Include the envelope if it shows a date.",
        10,
        True,
        730,
        False,
    ),
    (
        "Immigration status",
        "A photo of your biometric residence permit (both sides), visa, or the page of the "
        "government website showing your settled or pre-settled status with its share code.",
        4,
        False,
        90,
        True,
    ),
    (
        "Pregnancy (MAT B1)",
        "A photo of your MAT B1 certificate from your midwife or GP, or a letter from your "
        "midwife that shows your due date.",
        2,
        False,
        365,
        False,
    ),
    (
        "Council tax bill",
        "A photo of the first page of your latest council tax bill, showing your name and address.",
        2,
        False,
        365,
        False,
    ),
]


def add_document_types(apps, schema_editor):
    DocumentType = apps.get_model("evidence", "DocumentType")
    for name, guidance, max_files, several_pages, retention_days, has_expiry in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            name=name,
            defaults={
                "guidance": guidance,
                "max_files": max_files,
                "several_pages": several_pages,
                "retention_days": retention_days,
                "has_expiry": has_expiry,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
    ]

    operations = [
        # Going back leaves the rows: requests may already point at them.
        migrations.RunPython(add_document_types, migrations.RunPython.noop),
    ]
