"""Hourly summaries of metric readings (ReadingHour), kept as readings are stored.

Training scripts may log a criterion thousands of times a day. The project page's charts draw
at most a few hundred points a series; summarising at read time costs a scan of every reading
on each page view (seconds at 200,000 readings on SQLite), so the summary is kept at write
time instead: one upsert per batch of readings, in the batch's transaction.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from .models import ReadingHour

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


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(int(moment.timestamp()) // HOUR * HOUR, datetime.UTC)


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
    """Add (criterion id, source, value, at) readings, just stored, to the hourly summaries.
    Run it in the transaction that stored them."""
    moment = connection.ops.adapt_datetimefield_value
    rows = [
        (*key[:2], moment(key[2]), s.readings, s.low, s.high)
        + (moment(s.first_at), moment(s.last_at), s.last_value)
        for key, s in summarise(readings).items()
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(), rows)


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
