"""python manage.py api_token <username> [--name NAME]: print a new personal API token."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="What the token is for.")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f'No user "{username}". Check the spelling, or create the user in /admin/ first.'
            )
        if not user.is_active:
            raise CommandError(f'The user "{username}" is inactive; a token would not work.')
        token, secret = api_token_create(user=user, name=name)
        # Only the token goes to stdout, so `TOKEN=$(manage.py api_token dana)` works.
        self.stderr.write(f"New API token “{token.name}” for {username}; it is not shown again:")
        self.stdout.write(secret)
