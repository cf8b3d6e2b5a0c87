"""Rebuild every project's derived data: the portfolio board's summaries and the charts' hourly
rollups (after bulk imports, a restore or an upgrade)."""

from django.core.management.base import BaseCommand

from lifecycle.services.derived import refresh_all


class Command(BaseCommand):
    help = "Recompute the board's summaries and catch up the charts' hourly rollups."

    def handle(self, *args, **options):
        count = refresh_all()
        self.stdout.write(f"Summaries of {count:,} projects refreshed; hourly rollups caught up.")
