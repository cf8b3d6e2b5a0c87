"""The backup archive: a zip file holding `manifest.json` and one JSON-lines member per table.

    manifest.json            {"format": "waypoint-backup", "format_version": 1,
                              "app_version", "created_at", "database",
                              "tables": [{"table", "model", "member", "columns", "rows",
                                          "sha256"}, ...]}   (in restore order)
    tables/<table>.jsonl     one JSON array per row, its values in the order of "columns"

A zip can be written member by member without knowing a member's size first, so nothing is held
in memory, and read the same way. `sha256` is of the member's bytes as written; the zip's own
CRC-32 catches damage to the compressed data. The rows are JSON, not CSV: a backup must give back
exactly what it was given, so it neutralises no spreadsheet formulas (that is for the CSV exports
meant for spreadsheets) and must not be opened in one.
"""

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any

FORMAT = "waypoint-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 2000  # rows fetched, converted and stored at a time: memory stays flat


class ArchiveError(Exception):
    """The archive cannot be restored; the message says what is wrong with it."""


class DatabaseNotEmpty(Exception):
    """A restore goes into an empty database only."""


@dataclass(frozen=True)
class TableEntry:
    table: str
    model: str
    columns: list[str]
    rows: int
    sha256: str

    @property
    def member(self) -> str:
        return member_name(self.table)

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "model": self.model,
            "member": self.member,
            "columns": self.columns,
            "rows": self.rows,
            "sha256": self.sha256,
        }


def member_name(table: str) -> str:
    return f"tables/{table}.jsonl"


def app_version() -> str:
    try:
        return metadata.version("waypoint")
    except metadata.PackageNotFoundError:
        return "unknown"


def manifest_json(entries: list[TableEntry], *, created_at: str, database: str) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "created_at": created_at,
            "database": database,
            "tables": [entry.as_json() for entry in entries],
        },
        indent=1,
    )


def parse_manifest(text: bytes) -> list[TableEntry]:
    """The tables a manifest lists, or ArchiveError saying why it cannot be read."""
    try:
        manifest = json.loads(text)
    except ValueError as e:
        raise ArchiveError(f"manifest.json is not valid JSON ({e}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("manifest.json does not describe a Waypoint backup.")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise ArchiveError("manifest.json has no format_version.")
    if version > FORMAT_VERSION:
        raise ArchiveError(
            f"The archive has format version {version}, written by a newer Waypoint "
            f"({manifest.get('app_version', 'unknown')}); this one reads up to version "
            f"{FORMAT_VERSION}. Restore it with that version or a later one."
        )
    try:
        return [_entry(item) for item in manifest["tables"]]
    except (KeyError, TypeError, ValueError) as e:
        raise ArchiveError(f"manifest.json lists its tables wrongly ({e}).") from None


def _entry(item: dict[str, Any]) -> TableEntry:
    entry = TableEntry(
        table=str(item["table"]),
        model=str(item["model"]),
        columns=[str(c) for c in item["columns"]],
        rows=int(item["rows"]),
        sha256=str(item["sha256"]),
    )
    if item.get("member", entry.member) != entry.member:
        raise ValueError(f"member of {entry.table} is not {entry.member}")
    return entry
