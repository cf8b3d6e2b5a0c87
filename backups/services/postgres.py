"""PostgreSQL's part of a restore, as pg_restore does it: the rows go into tables without their
secondary indexes and foreign keys, which are then made again, each in one pass over the rows.
Kept up row by row instead, an index costs each row a tree update and a foreign key queues each
row a check (1.3 million rows of the bench portfolio: minutes). Everything happens inside the
restore's transaction, so a failed restore leaves every index and key as it was.

Only the indexes that back no constraint are dropped: primary keys and unique constraints stay,
and refuse duplicate rows as the rows go in. The definitions come from PostgreSQL's own catalog
(pg_get_indexdef, pg_get_constraintdef), so what is made again is what was there.
"""

from dataclasses import dataclass

from django.db import connection

INDEXES = """
    SELECT i.relname, pg_get_indexdef(x.indexrelid)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    ORDER BY i.relname
"""
FOREIGN_KEYS = """
    SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    WHERE c.contype = 'f' AND t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
    ORDER BY t.relname, c.conname
"""


@dataclass(frozen=True)
class Deferred:
    """What was dropped before the rows went in, to be made again after."""

    indexes: list[tuple[str, str]]  # (name, CREATE INDEX ...)
    foreign_keys: list[tuple[str, str, str]]  # (table, name, FOREIGN KEY ... REFERENCES ...)


def drop_indexes_and_keys(tables: list[str]) -> Deferred:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A table with checks still pending in this transaction cannot be altered: run them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(INDEXES, [tables])
        indexes = [(str(name), str(sql)) for name, sql in cursor.fetchall()]
        cursor.execute(FOREIGN_KEYS, [tables])
        keys = [(str(t), str(name), str(sql)) for t, name, sql in cursor.fetchall()]
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    return Deferred(indexes, keys)


def make_again(deferred: Deferred) -> None:
    """The indexes, then the foreign keys (each checked against every row: IntegrityError for a
    row that points at a row the table does not hold)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, sql in deferred.indexes:
            cursor.execute(sql)
        for table, name, sql in deferred.foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {sql}")
