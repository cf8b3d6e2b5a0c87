"""Shared by the backup tests: every table's rows as the database holds them, and emptying it."""

import io
import json
import zipfile
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from backups.services.tables import NaturalKeys, backup_tables, convert_row, writers


def every_row() -> dict[str, list[tuple]]:
    """Every row of every backed-up table, all columns, in primary key order. A column that
    points at a permission holds its natural key (the id is this database's own)."""
    keys = NaturalKeys()
    rows = {}
    for table in backup_tables():
        values = table.model._base_manager.order_by("pk").values_list(*table.attnames)
        rows[table.name] = [tuple(convert_row(row, writers(table, keys))) for row in values]
    return rows


def counts() -> dict[str, int]:
    return {table.name: table.model._base_manager.count() for table in backup_tables()}


def empty_database() -> None:
    """Delete every row of every backed-up table (foreign keys are checked at the end of the
    transaction, by which time nothing points anywhere)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in reversed(backup_tables()):
            cursor.execute(f"DELETE FROM {qn(table.name)}")  # noqa: S608
    assert not any(counts().values())


def export(path: Path) -> str:
    err = io.StringIO()
    call_command("export_portfolio", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def rewrite(source: Path, target: Path, *, manifest=None, members=None) -> None:
    """A copy of an archive with its manifest (a function of the parsed one) and members (a
    function of {name: bytes}) changed."""
    with zipfile.ZipFile(source) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    data = json.loads(contents.pop("manifest.json"))
    if manifest:
        data = manifest(data)
    if members:
        contents = members(contents)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
        archive.writestr("manifest.json", json.dumps(data))
