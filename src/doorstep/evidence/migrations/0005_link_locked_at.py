"""A link locked by wrong dates of birth stays locked until a new link is sent: the row records
when it locked, not until when. Locks that had already run out under the old rule are lifted."""

from django.db import migrations
from django.utils import timezone


def lift_run_out_locks(apps, schema_editor):
    EvidenceRequest = apps.get_model("evidence", "EvidenceRequest")
    EvidenceRequest.objects.filter(locked_at__lte=timezone.now()).update(
        locked_at=None, failed_checks=0
    )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0004_document_types")]

    operations = [
        migrations.RenameField(
            model_name="evidencerequest", old_name="locked_until", new_name="locked_at"
        ),
        migrations.RunPython(lift_run_out_locks, migrations.RunPython.noop),
    ]
