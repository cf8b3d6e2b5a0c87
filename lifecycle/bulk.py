"""Inserting many rows at once, as fast as each database allows.

Model outputs (a million rows) and metric readings (a thousand per call) skip model instances:
PostgreSQL takes them through COPY, SQLite through one prepared statement run per row.
Values must already be what the columns store (ids, floats, str, aware datetimes, JSON as text).
"""

import datetime
from collections.abc import Sequence

from django.db import connection


def insert_rows(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # SQLite stores datetimes as text: convert the columns that hold them.
        moments = [i for i, v in enumerate(rows[0]) if isinstance(v, datetime.datetime)]
        if moments:
            zone = connection.timezone
            rows = [list(row) for row in rows]
            for row in rows:
                for i in moments:
                    row[i] = sqlite_datetime(row[i], zone)
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def sqlite_datetime(value: datetime.datetime, zone: datetime.tzinfo) -> str:
    """An aware datetime as Django stores it on SQLite (adapt_datetimefield_value: the text of
    the naive time in the database's zone, `connection.timezone`), at a third of the cost:
    this runs for every reading stored."""
    return str(value.astimezone(zone).replace(tzinfo=None))
