"""Rebuild every project's portfolio-board summary (after bulk imports or a restore)."""

from django.core.management.base import BaseCommand

from lifecycle.summary import summaries_refresh


class Command(BaseCommand):
    help = "Recompute the portfolio board's per-project summaries from the projects' records."

    def handle(self, *args, **options):
        count = summaries_refresh()
        self.stdout.write(f"Summaries of {count:,} projects refreshed.")
