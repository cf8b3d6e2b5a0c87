from django.core.management.base import BaseCommand, CommandError

from lifecycle.services.digests import digests_send
from lifecycle.weeks import BadWeek, parse_week


class Command(BaseCommand):
    help = "Send the weekly digests not yet sent (default: the last complete ISO week)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help='An ISO week such as "2026-W48".')
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, week=None, dry_run=False, **options):
        try:
            monday = parse_week(week) if week else None
        except BadWeek as error:
            raise CommandError(str(error)) from None
        count = digests_send(week=monday, dry_run=dry_run)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(f"{count} digest(s) {verb}.")
