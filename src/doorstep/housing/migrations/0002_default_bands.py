"""Bands A to D as a starting point; Administrators rename, add or re-rank them in the admin."""

from django.db import migrations

DEFAULT_BANDS = [
    ("A", 1, "Emergency or urgent need, such as a home that is unsafe to live in"),
    ("B", 2, "High need, such as homelessness or serious overcrowding"),
    ("C", 3, "Some housing need, such as overcrowding or medical need"),
    ("D", 4, "Low or no housing need"),
]


def add_bands(apps, schema_editor):
    Band = apps.get_model("housing", "Band")
    if Band.objects.exists():
        return
    for name, rank, description in DEFAULT_BANDS:
        Band.objects.create(name=name, rank=rank, description=description)


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]

    operations = [migrations.RunPython(add_bands, migrations.RunPython.noop)]
