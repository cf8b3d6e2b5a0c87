"""One pass of the monitoring checks, without a broker: `manage.py run_monitoring`."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from lifecycle.services.monitoring import monitoring_run


class Command(BaseCommand):
    help = "Check every monitored project once: quiet series, breaches, stale models, drift."

    def add_arguments(self, parser):
        parser.add_argument(
            "--at", help="Run as of this moment (ISO 8601, e.g. 2026-12-04T09:00+00:00)."
        )

    def handle(self, *args, at=None, **options):
        moment = None
        if at:
            moment = parse_datetime(at)
            if moment is None or moment.tzinfo is None:
                raise CommandError(
                    f'"{at}" is not a moment with a time zone; write it like '
                    "2026-12-04T09:00+00:00."
                )
            moment = moment.astimezone(datetime.UTC)
        result = monitoring_run(at=moment)
        self.stdout.write(
            f"Checked {result.projects} monitored projects ({result.series} watched series): "
            f"{result.opened} alerts opened, {result.updated} still open, "
            f"{result.resolved} resolved."
        )
