"""Raw inserts store datetimes exactly as Django would on SQLite."""

import datetime

import pytest

from lifecycle.bulk import sqlite_datetime


class UtcSqliteConnection:
    """What Django's SQLite operations read from their connection (USE_TZ, database in UTC)."""

    timezone = datetime.UTC
    features = None


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 20, 14, 0, 5, 123, tzinfo=datetime.UTC),
        datetime.datetime(
            2026, 3, 29, 2, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
        ),
        datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
    ],
)
def test_a_moment_is_stored_as_djangos_sqlite_backend_stores_it(moment):
    from django.db.backends.sqlite3.base import DatabaseOperations

    django_text = DatabaseOperations(UtcSqliteConnection()).adapt_datetimefield_value(moment)
    assert sqlite_datetime(moment, datetime.UTC) == django_text
