"""The weekly log reminders, without a broker: `manage.py send_log_reminders [--at ISO]`."""

from django.core.management.base import BaseCommand

from lifecycle.management.at_option import add_at_argument, moment_from
from lifecycle.services.reminders import log_reminders_send

EXAMPLE = "2026-11-26T09:00+00:00"


class Command(BaseCommand):
    help = (
        "Remind the editors of active projects with no log entry this week (from "
        "LOG_REMINDER_WEEKDAY on), once per person, project and week."
    )

    def add_arguments(self, parser):
        add_at_argument(parser, example=EXAMPLE)

    def handle(self, *args, at=None, **options):
        count = log_reminders_send(at=moment_from(at, example=EXAMPLE))
        self.stdout.write(f"{count} log reminder(s) sent.")
