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
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from .models import Reading, ReadingHour, ReadingsSummarised

Series = tuple[int, str]  # (criterion id, source)


class Hour(NamedTuple):
    """A ReadingHour as charts read it: straight from the database, its moments converted
    only where needed (moment()), as a long series has thousands of hours."""

    criterion_id: int
    source: str
    readings: int
    low: float
    high: float
    first_at: datetime.datetime | str
    last_at: datetime.datetime | str
    last_value: float


@dataclass
class Summary:
    readings: int
    low: float
    high: float
    first_at: datetime.datetime
    last_at: datetime.datetime
    last_value: float


HOUR = 3600  # seconds


def summarise(readings: Iterable[tuple[int, str, float, datetime.datetime]]) -> dict:
    """{(criterion id, source, hour): Summary} of (criterion id, source, value, at) in the
    order they were stored. Runs for every reading a script sends: plain lists and
    comparisons, as min()/max() and objects per reading cost several times more."""
    hours: dict[tuple[int, str, int], list] = {}
    for criterion_id, source, value, at in readings:
        key = (criterion_id, source, int(at.timestamp()) // HOUR)
        entry = hours.get(key)
        if entry is None:
            hours[key] = [1, value, value, at, at, value]
            continue
        entry[0] += 1
        if value < entry[1]:
            entry[1] = value
        elif value > entry[2]:
            entry[2] = value
        if at < entry[3]:
            entry[3] = at
        if at >= entry[4]:  # the later of two readings at the same moment is the newer
            entry[4], entry[5] = at, value
    return {
        (criterion_id, source, datetime.datetime.fromtimestamp(hour * HOUR, datetime.UTC)): (
            Summary(*entry)
        )
        for (criterion_id, source, hour), entry in hours.items()
    }


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


def _tail_sql() -> str:
    return (
        "SELECT id, criterion_id, source, value, at "  # noqa: S608
        f"FROM {Reading._meta.db_table} WHERE project_id = %s AND id > %s ORDER BY id"
    )


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
            cursor.execute(_tail_sql(), [project_id, mark.up_to_id])
            rows = cursor.fetchall()
        if not rows:
            return
        record(
            (criterion_id, source, value, moment(at)) for _, criterion_id, source, value, at in rows
        )
        mark.up_to_id = rows[-1][0]
        mark.save(update_fields=["up_to_id"])


def pending(project_id: int) -> dict:
    """{(criterion id, source, hour): Summary} of the project's readings not rolled up yet
    (stored since the last `catch_up`), summarised in memory. Two queries; writes nothing."""
    up_to = (
        ReadingsSummarised.objects.filter(project_id=project_id)
        .values_list("up_to_id", flat=True)
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute(_tail_sql(), [project_id, up_to or 0])
        rows = cursor.fetchall()
    return summarise(
        (criterion_id, source, value, moment(at)) for _, criterion_id, source, value, at in rows
    )


def with_pending(hours: list[Hour], extra: dict) -> list[Hour]:
    """`hours` (one series, in time order) with that series' `extra` hours from `pending`
    folded in: an hour in both is combined as `catch_up` would store it."""
    if not extra:
        return hours
    by_hour: dict[datetime.datetime, Hour] = {}
    for hour in hours:
        start = int(moment(hour.first_at).timestamp()) // HOUR * HOUR
        by_hour[datetime.datetime.fromtimestamp(start, datetime.UTC)] = hour
    for (criterion_id, source, start), new in extra.items():
        old = by_hour.get(start)
        if old is None:
            by_hour[start] = Hour(criterion_id, source, new.readings, new.low, new.high,
                                  new.first_at, new.last_at, new.last_value)  # fmt: skip
            continue
        newer = new.last_at >= moment(old.last_at)
        by_hour[start] = Hour(
            criterion_id,
            source,
            old.readings + new.readings,
            min(old.low, new.low),
            max(old.high, new.high),
            min(moment(old.first_at), new.first_at),
            new.last_at if newer else old.last_at,
            new.last_value if newer else old.last_value,
        )
    return [by_hour[start] for start in sorted(by_hour)]


def hours_of(series: list[Series]) -> list[Hour]:
    """The hours of these series, ordered by series, then time."""
    table = ReadingHour._meta.db_table
    where = " OR ".join(["(criterion_id = %s AND source = %s)"] * len(series))
    sql = (
        "SELECT criterion_id, source, readings, low, high, first_at, last_at, last_value "  # noqa: S608
        f"FROM {table} WHERE {where} ORDER BY criterion_id, source, hour"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for pair in series for value in pair])
        return [Hour(*row) for row in cursor.fetchall()]


def moment(value: datetime.datetime | str) -> datetime.datetime:
    """A moment read by hours_of(): SQLite returns datetimes as text, in UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def stretches(hours: list, limit: int) -> list[list]:
    """Consecutive hours of one series grouped into at most `limit` stretches of about equally
    many readings. An hour is never split: it goes to the stretch its middle reading falls in."""
    total = sum(hour.readings for hour in hours)
    groups: dict[int, list[ReadingHour]] = {}
    before = 0  # readings in the hours before this one
    for hour in hours:
        middle = before + hour.readings / 2
        groups.setdefault(int(middle * limit / total), []).append(hour)
        before += hour.readings
    return list(groups.values())
