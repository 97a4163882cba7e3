import sys

from django.core.management.base import BaseCommand

from doorstep.core.audit import TAIL_REMOVED, verify_chain
from doorstep.core.checkpoints import AuditKeyMissing


class Command(BaseCommand):
    help = (
        "Seal new audit records, then check that no record has been changed, removed or "
        "inserted since it was sealed, against the newest checkpoint."
    )

    def handle(self, *args, **options):
        try:
            report = verify_chain()
        except AuditKeyMissing as error:
            self.stderr.write(f"Audit log not checked: {error}")
            sys.exit(2)
        if report.ok:
            anchor = report.checkpoint
            self.stdout.write(
                f"Audit log intact: {report.checked} records checked"
                + (f", matching the checkpoint of {anchor.at}" if anchor else "")
                + (f"; {report.unsealed} not sealed yet" if report.unsealed else "")
                + "."
            )
            return
        if report.broken_at == TAIL_REMOVED:
            self.stderr.write(
                f"Audit log broken: {report.reason} (after {report.checked} good records)."
            )
        else:
            self.stderr.write(
                f"Audit log broken at record {report.broken_at}: it {report.reason} "
                f"({report.checked} good records before it)."
            )
        sys.exit(1)
