"""Write every table to one archive (archive.py), streaming: rows are read, written and
compressed CHUNK_ROWS at a time, whatever the size of a table.

The whole export reads one snapshot of the database (a REPEATABLE READ transaction on
PostgreSQL; on SQLite the transaction holds the database's write lock meanwhile, so writers wait).
"""

import datetime
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .archive import CHUNK_ROWS, MANIFEST, TableEntry, manifest_json, member_name
from .tables import (
    NaturalKeys,
    Progress,
    Table,
    backup_tables,
    convert_row,
    encode,
    has_keyed_columns,
    no_progress,
    pg_select,
    writers,
)


def portfolio_export(
    *, path: Path, progress: Progress | None = None, at: datetime.datetime | None = None
) -> list[TableEntry]:
    """Write the whole portfolio to a new archive at `path` (written beside it, then moved into
    place, so a failed export leaves no half archive). Returns what the manifest lists."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic():
            if snapshot:  # the first statement of the transaction (not so inside another)
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            entries = _write_archive(partial, progress or no_progress, at or timezone.now())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return entries


def table_counts() -> dict[str, int]:
    """Rows per table of a backup, as the database holds them now."""
    return {t.name: t.model._base_manager.count() for t in backup_tables()}


def _write_archive(path: Path, progress: Progress, at: datetime.datetime) -> list[TableEntry]:
    keys = NaturalKeys()
    entries = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for table in backup_tables():
            entries.append(_write_table(archive, table, keys, progress))
        archive.writestr(
            MANIFEST, manifest_json(entries, created_at=at.isoformat(), database=connection.vendor)
        )
    return entries


def _write_table(
    archive: zipfile.ZipFile, table: Table, keys: NaturalKeys, progress: Progress
) -> TableEntry:
    digest = hashlib.sha256()
    rows = 0
    progress(table.name, 0)
    blocks = _postgresql_blocks(table) if _by_postgresql(table) else _encoded_chunks(table, keys)
    with archive.open(member_name(table.name), "w", force_zip64=True) as member:
        for block in blocks:
            member.write(block)
            digest.update(block)
            rows += block.count(b"\n")
            progress(table.name, rows)
    return TableEntry(table.name, table.label, table.columns, rows, digest.hexdigest())


def _by_postgresql(table: Table) -> bool:
    """PostgreSQL writes the JSON lines itself (a tenth of the time), but not natural keys, nor
    more values than a function takes (100)."""
    return (
        connection.vendor == "postgresql"
        and len(table.fields) <= 100
        and not has_keyed_columns(table)
    )


def _postgresql_blocks(table: Table) -> Iterator[bytes]:
    """The rows as JSON lines made by PostgreSQL (json_build_array), streamed by COPY. CSV with
    a quote and a delimiter JSON text never holds raw (JSON escapes control characters) passes
    each line through unchanged."""
    qn = connection.ops.quote_name
    values = ", ".join(pg_select(field) for field in table.fields)
    pk = qn(table.model._meta.pk.column)
    query = f"SELECT json_build_array({values}) FROM {qn(table.name)} ORDER BY {pk}"  # noqa: S608
    sql = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for block in copy:
            yield bytes(block)


def _encoded_chunks(table: Table, keys: NaturalKeys) -> Iterator[bytes]:
    """The table's rows as JSON lines, CHUNK_ROWS at a time, in primary key order (read by a
    server-side cursor on PostgreSQL, fetched in chunks on SQLite)."""
    converters = writers(table, keys)
    convert = any(c is not None for c in converters)
    rows = (
        table.model._base_manager.order_by("pk")
        .values_list(*table.attnames)
        .iterator(chunk_size=CHUNK_ROWS)
    )
    dumps = json.JSONEncoder(default=encode, ensure_ascii=False, separators=(",", ":")).encode
    chunk: list[str] = []
    for row in rows:
        values: Any = convert_row(row, converters) if convert else row
        chunk.append(dumps(values) + "\n")
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()
