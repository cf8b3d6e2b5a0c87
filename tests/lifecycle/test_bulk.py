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


class SqliteConnection:
    """Just what insert_rows uses of Django's connection, over an in-memory sqlite3 database
    (the suite's own database is PostgreSQL)."""

    vendor = "sqlite"
    timezone = datetime.UTC

    def __init__(self):
        import sqlite3

        self.db = sqlite3.connect(":memory:")
        self.statements = 0

    def cursor(self):
        connection = self

        class Cursor:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, sql, params):
                connection.statements += 1
                connection.db.execute(sql.replace("%s", "?"), params)

            def executemany(self, sql, param_list):
                for params in param_list:
                    self.execute(sql, params)

        return Cursor()


@pytest.mark.parametrize("count", [1, 499, 500, 1001, 1203])
def test_sqlite_inserts_every_row_in_order_several_rows_per_statement(monkeypatch, count):
    from lifecycle import bulk

    fake = SqliteConnection()
    fake.db.execute("CREATE TABLE t (n integer, label text, at text)")
    monkeypatch.setattr(bulk, "connection", fake)
    moment = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC)
    rows = [(n, f"row {n}", moment) for n in range(count)]

    bulk.insert_rows("t", ("n", "label", "at"), rows)

    stored = fake.db.execute("SELECT n, label, at FROM t ORDER BY rowid").fetchall()
    assert stored == [(n, f"row {n}", "2026-11-20 14:00:00") for n in range(count)]
    assert fake.statements == -(-count // bulk.ROWS_PER_STATEMENT)
