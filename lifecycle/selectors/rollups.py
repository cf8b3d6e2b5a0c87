"""Reading the hourly summaries of metric readings (ReadingHour) for the charts of long series,
and the readings not rolled up yet (`pending`), summarised in memory: no page view writes. The
rollups themselves are written by lifecycle/services/rollups.py."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from ..models import Reading, ReadingHour, ReadingsSummarised

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


def tail_sql() -> str:
    return (
        "SELECT id, criterion_id, source, value, at "  # noqa: S608
        f"FROM {Reading._meta.db_table} WHERE project_id = %s AND id > %s ORDER BY id"
    )


def pending(project_id: int) -> dict:
    """{(criterion id, source, hour): Summary} of the project's readings not rolled up yet
    (stored since the last `catch_up`), summarised in memory. Two queries; writes nothing."""
    up_to = (
        ReadingsSummarised.objects.filter(project_id=project_id)
        .values_list("up_to_id", flat=True)
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute(tail_sql(), [project_id, up_to or 0])
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
