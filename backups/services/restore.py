"""Restore an archive (archive.py) into an empty database, exactly: the same rows with the same
primary keys, in one transaction, so a restore that fails for any reason leaves the database as it
was. The archive is checked before anything is written (its manifest, format version, members
and columns against this database's tables), and each table as it is read (rows and checksum
against the manifest); the foreign keys once every table is in. Then the sequences behind the
primary keys are moved past the restored ids (PostgreSQL; SQLite does that itself).

PostgreSQL takes the rows by COPY into tables without their secondary indexes and foreign keys,
which are made again at the end (postgres.py), all inside the one transaction.
"""

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import psycopg
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction

from plumbing.bulk import copy_rows

from .archive import (
    CHUNK_ROWS,
    MANIFEST,
    ArchiveError,
    DatabaseNotEmpty,
    TableEntry,
    parse_manifest,
)
from .postgres import drop_indexes_and_keys, make_again
from .tables import (
    Convert,
    NaturalKeys,
    Progress,
    Table,
    backup_tables,
    convert_row,
    no_progress,
    readers,
)


def portfolio_import(*, path: Path, progress: Progress | None = None) -> list[TableEntry]:
    """Restore the archive at `path` into this (empty) database. Raises ArchiveError for an
    archive that cannot be restored and DatabaseNotEmpty for a database that holds rows; in
    either case nothing is changed. Returns what the manifest lists."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = read_manifest(archive)
            tables = _match_tables(entries, archive)
            _check_empty()
            with transaction.atomic():
                _restore(archive, entries, tables, progress or no_progress)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise ArchiveError(f"The archive is damaged or truncated ({e}).") from None
    return entries


def read_manifest(archive: zipfile.ZipFile) -> list[TableEntry]:
    try:
        text = archive.read(MANIFEST)
    except KeyError:
        raise ArchiveError("The archive has no manifest.json: not a Waypoint backup.") from None
    return parse_manifest(text)


def _match_tables(entries: list[TableEntry], archive: zipfile.ZipFile) -> dict[str, Table]:
    """This database's table for each entry, or ArchiveError naming what does not match."""
    known = {table.name: table for table in backup_tables()}
    listed = {entry.member for entry in entries} | {MANIFEST}
    extra = sorted(set(archive.namelist()) - listed)
    if extra:
        raise ArchiveError(f"The archive holds members its manifest does not list: {extra}.")
    for entry in entries:
        _match_entry(entry, known, archive)
    return {entry.table: known[entry.table] for entry in entries}


def _match_entry(entry: TableEntry, known: dict[str, Table], archive: zipfile.ZipFile) -> None:
    table = known.get(entry.table)
    if table is None:
        raise ArchiveError(
            f"The archive holds table {entry.table!r}, which this database does not have "
            "(an archive of another application, or of a newer Waypoint)."
        )
    if entry.columns != table.columns:
        raise ArchiveError(
            f"Table {entry.table!r} has columns {entry.columns} in the archive but "
            f"{table.columns} here: restore into the Waypoint version that wrote the archive "
            "(its app_version in manifest.json), then migrate."
        )
    try:
        archive.getinfo(entry.member)
    except KeyError:
        raise ArchiveError(
            f"The archive is missing {entry.member} (table {entry.table})."
        ) from None


def _check_empty() -> None:
    every = {table.name: table for table in backup_tables()}
    holding = [name for name, table in every.items() if table.model._base_manager.exists()]
    if holding:
        raise DatabaseNotEmpty(
            f"The database is not empty: {', '.join(holding[:5])}"
            + (f" and {len(holding) - 5} other tables" if len(holding) > 5 else "")
            + " hold rows. Restore into a new database (create it, run `manage.py migrate`, "
            "then import)."
        )


def _restore(
    archive: zipfile.ZipFile,
    entries: list[TableEntry],
    tables: dict[str, Table],
    progress: Progress,
) -> None:
    keys = NaturalKeys()
    postgres = connection.vendor == "postgresql"
    deferred = drop_indexes_and_keys(list(tables)) if postgres else None
    for entry in entries:
        table = tables[entry.table]
        progress(entry.table, 0)
        with archive.open(entry.member) as member:
            try:
                _restore_table(member, entry, table, keys, progress)
            # A value the column does not take, a duplicate id (COPY's errors are psycopg's own).
            except (DatabaseError, psycopg.Error) as e:
                raise ArchiveError(f"{entry.member}: the database refused a row ({e}).") from None
    try:
        if deferred:
            make_again(deferred)
        connection.check_constraints(table_names=list(tables))
    except IntegrityError as e:
        raise ArchiveError(f"Rows of the archive point at rows it does not hold ({e}).") from None
    _run(connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables.values()]))


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _restore_table(
    member: IO[bytes], entry: TableEntry, table: Table, keys: NaturalKeys, progress: Progress
) -> None:
    digest = hashlib.sha256()
    rows = 0
    for chunk in _parsed_chunks(member, entry, readers(table, keys), digest):
        _store(table, chunk)
        rows += len(chunk)
        progress(entry.table, rows)
    if rows != entry.rows:
        raise ArchiveError(f"{entry.member} holds {rows} rows; the manifest says {entry.rows}.")
    if digest.hexdigest() != entry.sha256:
        raise ArchiveError(
            f"{entry.member} does not match its checksum in the manifest: it was changed or "
            "damaged after the export."
        )


def _parsed_chunks(
    member: IO[bytes], entry: TableEntry, converters: list[Convert | None], digest: Any
) -> Iterator[list[list[Any]]]:
    width = len(entry.columns)
    chunk: list[list[Any]] = []
    for number, line in enumerate(member, start=1):
        digest.update(line)
        chunk.append(_parse_line(line, number, entry, width, converters))
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse_line(
    line: bytes, number: int, entry: TableEntry, width: int, converters: list[Convert | None]
) -> list[Any]:
    try:
        values = json.loads(line)
        if not isinstance(values, list) or len(values) != width:
            raise ValueError(f"expected a list of {width} values")
        return convert_row(values, converters)
    except (ValueError, TypeError, ValidationError) as e:
        raise ArchiveError(f"{entry.member}, line {number}: {e}") from None


def _store(table: Table, rows: list[list[Any]]) -> None:
    """COPY on PostgreSQL (plumbing/bulk.py), plain INSERTs of the prepared values on SQLite: no
    field's pre_save runs, so `auto_now` columns keep the values they had."""
    if not rows:
        return
    qn = connection.ops.quote_name
    name, columns = qn(table.name), [qn(c) for c in table.columns]
    if connection.vendor == "postgresql":
        copy_rows(name, columns, rows)
        return
    places = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({places})",  # noqa: S608
            rows,
        )
