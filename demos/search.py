"""Text search over the columns an example shows, the same on SQLite and PostgreSQL.

A query matches the examples that have every word of it, each word also as the start of a longer
one ("log in" finds "Cannot log in" and "login failed"), ignoring case. Punctuation separates
words. Backed by a real text index, so a word that only ten rows in a million hold is found
without reading the million:

- SQLite: an FTS5 table `demos_example_text` (rowid = the example's id), filled as the rows are
  stored (`index_chunk`) and emptied by a trigger when examples are deleted.
- PostgreSQL: a GIN index on the string values of `fields` as a tsvector ('simple': no stemming,
  no stop words, as FTS5's unicode61), kept by PostgreSQL itself.
"""

import re

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
FEW = 2000  # up to this many matches, SQLite looks them up by id (see matching)
WORD = re.compile(r"\w+")

TABLE = "demos_example_text"
# The migration creates the index on exactly this expression, so the planner can use it.
PG_DOCUMENT = """jsonb_to_tsvector('simple'::regconfig, "demos_example"."fields", '["string"]')"""

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "body, tokenize = 'unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON demos_example "  # noqa: S608
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END",
]
# Rows stored before the index existed.
SQLITE_BACKFILL = (
    f"INSERT INTO {TABLE} (rowid, body) SELECT id, "  # noqa: S608
    "(SELECT group_concat(value, ' ') FROM json_each(fields)) FROM demos_example"
)
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_delete", f"DROP TABLE IF EXISTS {TABLE}"]
PG_CREATE = [f"CREATE INDEX IF NOT EXISTS {TABLE} ON demos_example USING gin (({PG_DOCUMENT}))"]
PG_DROP = [f"DROP INDEX IF EXISTS {TABLE}"]


def query_words(text: str) -> list[str]:
    """The words searched for: letters and digits only, so nothing reaches the query syntax."""
    return WORD.findall(text.casefold())[:MAX_WORDS]


def matching(examples: QuerySet, dataset_id: int, text: str) -> QuerySet:
    """The examples of the dataset that hold every word of `text` in their shown columns (none
    for no words). `examples` is the unfiltered Example queryset (the dataset goes in here)."""
    words = query_words(text)
    if not words:
        return examples.none()
    if connection.vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        # The query is a parameter; the SQL around it is constant.
        condition = RawSQL(  # noqa: S611
            f"{PG_DOCUMENT} @@ to_tsquery('simple'::regconfig, %s)",
            [query],
            output_field=BooleanField(),
        )
        return examples.filter(condition, dataset_id=dataset_id)
    query = " ".join(f'"{word}"*' for word in words)
    match = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"{match} LIMIT %s", [query, FEW + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= FEW:
        # Few matches: fetch them by id. Given "dataset_id = ?", SQLite would walk the dataset's
        # whole score index to find them (0.3-0.6 s on 1M rows); "dataset_id + 0" it cannot.
        in_dataset = ExpressionWrapper(F("dataset_id") + 0, output_field=IntegerField())
        return examples.alias(in_dataset=in_dataset).filter(in_dataset=dataset_id, pk__in=ids)
    # Many matches: walking the score index finds a page of them within a few hundred rows.
    return examples.filter(dataset_id=dataset_id, pk__in=RawSQL(match, [query]))  # noqa: S611


def index_chunk(cursor, first_id: int, bodies: list[str]) -> None:
    """Index examples first_id, first_id + 1, … with their shown text (SQLite only; PostgreSQL
    indexes the stored rows itself)."""
    if connection.vendor != "sqlite":
        return
    cursor.executemany(
        f"INSERT INTO {TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
        zip(range(first_id, first_id + len(bodies)), bodies, strict=True),
    )


def create_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        statements = [*SQLITE_CREATE, SQLITE_BACKFILL]
    else:
        statements = PG_CREATE
    for sql in statements:
        schema_editor.execute(sql)


def restore_trigger(apps, schema_editor) -> None:
    """SQLite drops a table's triggers with it: a migration that remakes demos_example (as SQLite
    does for most field changes) must run this afterwards."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE[1])


def drop_index(apps, schema_editor) -> None:
    statements = SQLITE_DROP if schema_editor.connection.vendor == "sqlite" else PG_DROP
    for sql in statements:
        schema_editor.execute(sql)
