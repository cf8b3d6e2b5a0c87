"""One pass of the monitoring checks, without a broker: `manage.py run_monitoring`."""

from django.core.management.base import BaseCommand

from lifecycle.management.at_option import add_at_argument, moment_from
from lifecycle.services.monitoring import monitoring_run


class Command(BaseCommand):
    help = "Check every monitored project once: quiet series, breaches, stale models, drift."

    def add_arguments(self, parser):
        add_at_argument(parser)

    def handle(self, *args, at=None, **options):
        moment = moment_from(at)
        result = monitoring_run(at=moment)
        self.stdout.write(
            f"Checked {result.projects} monitored projects ({result.series} watched series): "
            f"{result.opened} alerts opened, {result.updated} still open, "
            f"{result.resolved} resolved."
        )
