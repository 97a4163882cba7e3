import sys

from django.core.management.base import BaseCommand

from doorstep.core import checkpoints, sealing


class Command(BaseCommand):
    help = (
        "Seal new audit records and add a signed checkpoint of the chain to the checkpoint log "
        "(run at least daily; the sealer also adds one every AUDIT_CHECKPOINT_HOURS)."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = sealing.checkpoint_now()
        except (checkpoints.AuditKeyMissing, sealing.AuditIntegrityError) as error:
            self.stderr.write(f"No checkpoint written: {error}")
            sys.exit(1)
        if checkpoint is None:
            self.stdout.write("No sealed audit records yet: nothing to checkpoint.")
            return
        self.stdout.write(
            f"Checkpoint written: {checkpoint.count} records, newest record {checkpoint.last_id}, "
            f"head {checkpoint.head[:16]}…, in {checkpoints.folder() / checkpoints.LOG_FILE}."
        )
