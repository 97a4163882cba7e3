from django.core.management.base import BaseCommand
from django.utils import timezone

from doorstep.core import formats
from doorstep.evidence import retention


class Command(BaseCommand):
    help = (
        "Delete the files of decided documents whose retention period has ended (the rows stay "
        "as the record). Catches up on deletions whose scheduled task was lost."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        due = retention.due_for_deletion(now)
        if dry_run:
            for document in due:
                files = document.files.filter(deleted_at=None).count()
                self.stdout.write(
                    f"Would delete {files} file{'s' if files != 1 else ''} of document "
                    f"{document.pk} ({document.document_type.name}, request "
                    f"{document.request_id}), due since "
                    f"{formats.govuk_datetime(document.delete_files_after, 'j M Y')}"
                )
            self.stdout.write(f"{len(due)} document{'s' if len(due) != 1 else ''} due; dry run.")
            return
        purged = retention.purge_expired(now=now)
        files = sum(result.files for result in purged)
        self.stdout.write(
            f"Deleted {files} file{'s' if files != 1 else ''} of {len(purged)} "
            f"document{'s' if len(purged) != 1 else ''}."
        )
