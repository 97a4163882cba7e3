"""`manage.py create_api_token NAME`: issue a token for automation, printing only the token."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doorstep.api import services


class Command(BaseCommand):
    help = (
        "Create an API token for the named system and print it once, alone on stdout, so a "
        "script can capture it. Only its SHA-256 is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The system that will use the token")

    def handle(self, *args, name: str, **options):
        try:
            token, raw = services.issue_token(actor="manage.py create_api_token", name=name)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(raw)
        if options["verbosity"] > 1:
            self.stderr.write(f"Created token {token.prefix}… for {token.name}")
