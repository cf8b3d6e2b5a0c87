"""manage.py import_portfolio PATH: restore an archive of export_portfolio into an empty
database (backups/services/restore.py)."""

import sys
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.progress import ProgressBar
from backups.services.archive import ArchiveError, DatabaseNotEmpty
from backups.services.restore import portfolio_import, read_manifest


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_portfolio into an empty, migrated database: "
        "every row with its id, in one transaction; a damaged archive changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive export_portfolio wrote")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path: Path, no_progress: bool, **options) -> None:
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        stream = options.get("stderr") or sys.stderr
        try:
            bar = None if no_progress else ProgressBar(stream, _totals(path), "import")
            entries = portfolio_import(path=path, progress=bar.update if bar else None)
        except (ArchiveError, DatabaseNotEmpty) as e:
            raise CommandError(f"Nothing was restored. {e}") from None
        if bar:
            bar.finish()
        rows = sum(entry.rows for entry in entries)
        self.stdout.write(f"Restored {rows:,} rows of {len(entries)} tables from {path}.")


def _totals(path: Path) -> dict[str, int]:
    """Rows per table as the manifest lists them (for the bar; the restore checks them)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return {entry.table: entry.rows for entry in read_manifest(archive)}
    except zipfile.BadZipFile as e:
        raise ArchiveError(f"The archive is damaged or truncated ({e}).") from None
