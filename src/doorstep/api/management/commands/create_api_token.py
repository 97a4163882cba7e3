"""`manage.py create_api_token NAME [--scope SCOPE ...]`: issue a token for automation,
printing only the token."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doorstep.api import services
from doorstep.api.models import Scope


class Command(BaseCommand):
    help = (
        "Create an API token for the named system and print it once, alone on stdout, so a "
        "script can capture it. Only its SHA-256 is kept. Give --scope once for each part of "
        "the API the system needs; without --scope the token gets every scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The system that will use the token")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            metavar="SCOPE",
            help=f"What the token may use (repeat for more): {', '.join(Scope.values)}",
        )

    def handle(self, *args, name: str, scopes: list[str] | None = None, **options):
        try:
            token, raw = services.issue_token(
                actor="manage.py create_api_token", name=name, scopes=scopes
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(raw)
        if options["verbosity"] > 1:
            self.stderr.write(
                f"Created token {token.prefix}… for {token.name} with scopes "
                + ", ".join(token.scopes)
            )
