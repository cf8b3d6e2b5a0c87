"""manage.py export_portfolio PATH: the whole portfolio to one archive (backups/services)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.progress import ProgressBar
from backups.services.export import portfolio_export, table_counts


class Command(BaseCommand):
    help = (
        "Write every table of Waypoint (people, teams, projects and their history, logs, "
        "demos and their rows, links, feedback, alerts, notifications...) to one archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write (a new file, .zip)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path: Path, no_progress: bool, **options) -> None:
        if path.exists():
            raise CommandError(f"{path} exists already: remove it or choose another path.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a directory.")
        # The bar writes to the stream itself (call_command's stderr=, else the terminal): it
        # redraws its line with "\r" there.
        stream = options.get("stderr") or sys.stderr
        bar = None if no_progress else ProgressBar(stream, table_counts(), "export")
        entries = portfolio_export(path=path, progress=bar.update if bar else None)
        if bar:
            bar.finish()
        rows = sum(entry.rows for entry in entries)
        self.stdout.write(f"Wrote {rows:,} rows of {len(entries)} tables to {path}.")
