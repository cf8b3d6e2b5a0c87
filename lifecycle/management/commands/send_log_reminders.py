"""The weekly log reminders, without a broker: `manage.py send_log_reminders [--at ISO]`."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from lifecycle.services.reminders import log_reminders_send


class Command(BaseCommand):
    help = (
        "Remind the editors of active projects with no log entry this week (from "
        "LOG_REMINDER_WEEKDAY on), once per person, project and week."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at", help="Run as of this moment (ISO 8601, e.g. 2026-11-26T09:00+00:00)."
        )

    def handle(self, *args, at=None, **options):
        moment = None
        if at:
            try:
                moment = parse_datetime(at)
            except ValueError:  # well formed but impossible, like month 13
                moment = None
            if moment is None or moment.tzinfo is None:
                raise CommandError(
                    f'"{at}" is not a moment with a time zone; write it like '
                    "2026-11-26T09:00+00:00."
                )
            moment = moment.astimezone(datetime.UTC)
        count = log_reminders_send(at=moment)
        self.stdout.write(f"{count} log reminder(s) sent.")
