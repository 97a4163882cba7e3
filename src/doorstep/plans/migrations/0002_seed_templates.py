"""The plan templates every installation starts with; Administrators can change them."""

from django.db import migrations


def _action(owner, description, days=None, partner=""):
    return {
        "description": description,
        "owner_kind": owner,
        "partner_name": partner,
        "due_in_days": days,
    }


TEMPLATES = [
    {
        "name": "Personal Housing Plan",
        "plan_title": "Your Personal Housing Plan",
        "description": (
            "The plan the council agrees with someone who is homeless or at risk of becoming "
            "homeless (Homelessness Reduction Act 2017): the steps they will take and the steps "
            "the council will take to help them keep their home or find somewhere to live."
        ),
        "goals": [
            {
                "title": "Keep your home or find somewhere to live",
                "actions": [
                    _action(
                        "resident",
                        "Send us a copy of any notice from your landlord or letter from the court",
                        3,
                    ),
                    _action(
                        "resident",
                        "Register with at least three letting agents and look for homes you can "
                        "afford",
                        14,
                    ),
                    _action(
                        "resident",
                        "Tell us straight away if anything changes, such as a new notice or a "
                        "change in your income",
                    ),
                    _action("officer", "Contact your landlord to see if you can stay in your home", 7),
                    _action(
                        "officer", "Check if you can get help with a deposit or rent in advance", 7
                    ),
                    _action("officer", "Check your benefits, including help with housing costs", 14),
                ],
            },
            {
                "title": "Deal with money worries",
                "actions": [
                    _action("resident", "Go to an appointment with a debt adviser", 14),
                    _action(
                        "partner",
                        "Give advice on rent arrears and debts",
                        21,
                        partner="Citizens Advice",
                    ),
                ],
            },
            {
                "title": "Know what happens next",
                "actions": [
                    _action(
                        "officer", "Write to you with our decision on the help we owe you", 56
                    ),
                ],
            },
        ],
    },
    {
        "name": "Getting your documents together",
        "plan_title": "Getting your documents together",
        "description": "The documents a resident needs for a housing or benefits application.",
        "goals": [
            {
                "title": "Show who you are",
                "actions": [
                    _action(
                        "resident", "Find your passport, driving licence or birth certificate", 7
                    ),
                    _action("resident", "Find a letter that shows your National Insurance number", 7),
                ],
            },
            {
                "title": "Show where you live and what you earn",
                "actions": [
                    _action("resident", "Get a recent statement for each bank account", 7),
                    _action(
                        "resident", "Get your last 3 payslips or your Universal Credit statement", 7
                    ),
                    _action(
                        "resident", "Get your tenancy agreement or a letter from your landlord", 7
                    ),
                    _action(
                        "officer",
                        "Check your documents and tell you if anything else is needed",
                        14,
                    ),
                ],
            },
        ],
    },
]


def seed(apps, schema_editor):
    PlanTemplate = apps.get_model("plans", "PlanTemplate")
    for entry in TEMPLATES:
        PlanTemplate.objects.get_or_create(name=entry["name"], defaults=entry)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
