"""Days of the demo story: everything is dated relative to the day the seed runs."""

import datetime

from django.utils import timezone


def moment(day: datetime.date, hour: int) -> datetime.datetime:
    """`hour` o'clock on `day`, in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days_ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def planned_spans(
    start: datetime.date, durations: list[int]
) -> list[tuple[datetime.date, datetime.date | None]]:
    """Back-to-back planned spans of the given days for the first four stages, then monitoring,
    which has no planned end: it lasts as long as the model is live."""
    spans: list[tuple[datetime.date, datetime.date | None]] = []
    for days in durations:
        end = start + datetime.timedelta(days=days - 1)
        spans.append((start, end))
        start = end + datetime.timedelta(days=1)
    spans.append((start, None))
    return spans
