"""Inserting many rows at once: model outputs (a million rows) and metric readings (a thousand
per call) skip model instances on PostgreSQL and go through COPY. Elsewhere (SQLite, the embedded
default) the rows go through bulk_create, correct and untuned.
Values must already be what the columns store (ids, floats, str, aware datetimes, JSON as text).
"""

import json
from collections.abc import Sequence

from django.db import connection, models


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """`rows` (a value per name in `columns`: attnames such as "project_id") into `model`'s
    table, in the caller's transaction."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(model._meta.db_table, columns, rows)
        return
    fields = {field.attname: field for field in model._meta.concrete_fields}
    decode = [isinstance(fields[name], models.JSONField) for name in columns]
    model._default_manager.bulk_create(
        model(
            **{
                name: json.loads(value) if text else value
                for name, text, value in zip(columns, decode, row, strict=True)
            }
        )
        for row in rows
    )


def copy_rows(table: str, columns: Sequence[str], rows: list[tuple] | list[list]) -> None:
    """PostgreSQL's COPY of `rows` into `table` (names already quoted where they need it), in
    the caller's transaction. Values as COPY takes them: JSON as text."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
