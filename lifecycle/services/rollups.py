"""Hourly summaries of metric readings (ReadingHour), for the charts of long series.

Training scripts may log a criterion thousands of times a day. The project page's charts draw
at most a few hundred points a series; summarising every reading on each page view costs seconds
at 200,000 readings. So a project's readings are summarised into hours once, after they are
stored: the writes call `lifecycle.services.derived.refresh(..., rollups=True)`, which runs
`catch_up` in a task once the transaction commits (the readings stored since the last time, by
id, ReadingsSummarised). Storing readings waits for none of it: for sparse series (one reading an
hour or less) keeping the summary inside the write doubled the cost of a batch (make bench).
A chart drawn before the task has run adds the readings not rolled up yet (`pending`), reading
only: no page view writes.
"""

import datetime
from collections.abc import Iterable

from django.db import connection, transaction

from ..models import Reading, ReadingHour, ReadingsSummarised
from ..selectors.rollups import moment, summarise, tail_sql


def _upsert_sql() -> str:
    table = ReadingHour._meta.db_table

    def pick(column: str, better: str) -> str:
        return (
            f"{column} = CASE WHEN excluded.{column} {better} {table}.{column} "
            f"THEN excluded.{column} ELSE {table}.{column} END"
        )

    newer = f"excluded.last_at >= {table}.last_at"
    return (
        f"INSERT INTO {table} "  # noqa: S608 (table and column names from the model)
        "(criterion_id, source, hour, readings, low, high, first_at, last_at, last_value) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (criterion_id, source, hour) DO UPDATE SET "
        f"readings = {table}.readings + excluded.readings, "
        f"{pick('low', '<')}, {pick('high', '>')}, {pick('first_at', '<')}, "
        f"last_value = CASE WHEN {newer} THEN excluded.last_value ELSE {table}.last_value END, "
        f"last_at = CASE WHEN {newer} THEN excluded.last_at ELSE {table}.last_at END"
    )


def record(readings: Iterable[tuple[int, str, float, datetime.datetime]]) -> None:
    """Add (criterion id, source, value, at) readings to the hourly summaries."""
    stored = connection.ops.adapt_datetimefield_value  # SQLite keeps datetimes as text
    rows = [
        (*key[:2], stored(key[2]), s.readings, s.low, s.high)
        + (stored(s.first_at), stored(s.last_at), s.last_value)
        for key, s in summarise(readings).items()
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(), rows)


def _newest_reading_sql() -> str:
    return f"SELECT MAX(id) FROM {Reading._meta.db_table} WHERE project_id = %s"  # noqa: S608


def catch_up(project_id: int) -> None:
    """Add the project's readings stored since the last call to its hourly summaries.

    Cheap when nothing is new (one indexed MAX). Otherwise, in one transaction that no reading
    can be stored during (SQLite: the write lock of an immediate transaction; PostgreSQL: a
    SHARE lock on the readings table, which waits for transactions storing readings to end, so
    no reading with a lower id can appear later), the new readings are summarised and the mark
    moved past them. Two workers catching up at once: the second finds nothing left."""
    with connection.cursor() as cursor:
        cursor.execute(_newest_reading_sql(), [project_id])
        newest = cursor.fetchone()[0] or 0
    mark = ReadingsSummarised.objects.filter(project_id=project_id).first()
    if newest <= (mark.up_to_id if mark else 0):
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {Reading._meta.db_table} IN SHARE MODE")
            mark, _ = ReadingsSummarised.objects.select_for_update().get_or_create(
                project_id=project_id
            )
            cursor.execute(tail_sql(), [project_id, mark.up_to_id])
            rows = cursor.fetchall()
        if not rows:
            return
        record(
            (criterion_id, source, value, moment(at)) for _, criterion_id, source, value, at in rows
        )
        mark.up_to_id = rows[-1][0]
        mark.save(update_fields=["up_to_id"])
