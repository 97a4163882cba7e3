import sys

from django.core.management.base import BaseCommand

from doorstep.core.audit import TAIL_REMOVED, verify_chain


class Command(BaseCommand):
    help = "Check that no audit record has been changed, removed or inserted since it was written."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"Audit log intact: {report.checked} records checked.")
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
