"""Tokens get scopes. Tokens issued before this could use the whole API, so they are given
every scope and keep working exactly as before; an Administrator can replace one with a
narrower token."""

from django.db import migrations, models

# The scopes as they were when this migration was written (models.Scope may grow later).
EVERY_SCOPE_IN_0003 = [
    "residents:read",
    "residents:write",
    "vulnerability",
    "housing",
    "messaging",
    "evidence",
    "plans",
    "inclusion",
    "reporting",
]


def give_existing_tokens_every_scope(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.update(scopes=EVERY_SCOPE_IN_0003)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(give_existing_tokens_every_scope, migrations.RunPython.noop),
    ]
