"""Text search over the columns an example shows, the same on SQLite and PostgreSQL.

A query matches the examples that have every word of it, each word also as the start of a longer
one ("log in" finds "Cannot log in" and "login failed"), ignoring case. Punctuation separates
words. Backed by a real text index, so a word that only ten rows in a million hold is found
without reading the million:

- SQLite: an FTS5 table `demos_example_text` (rowid = the example's id) in a database file of its
  own beside the main one (db.sqlite3 -> db.search.sqlite3), attached to every connection as
  `search`. SQLite lets one connection write to a file at a time; with the index in its own file
  an upload fills it while the rows go into the main file, on the other core (demos/storing.py).
  Each connection's TEMP triggers keep it in step with the examples that connection writes. It
  holds nothing that the examples do not: a lost file is rebuilt from them when a connection
  finds it missing.
- PostgreSQL: a GIN index on the string values of `fields` as a tsvector ('simple': no stemming,
  no stop words, as FTS5's unicode61), kept by PostgreSQL itself.
"""

import json
import re
import sqlite3
from pathlib import Path

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
FEW = 2000  # up to this many matches, SQLite looks them up by id (see matching)
WORD = re.compile(r"\w+")

TABLE = "demos_example_text"
SCHEMA = "search"  # the name the index's database file is attached under (SQLite)
INDEXED = f"{SCHEMA}.{TABLE}"
# The migration creates the index on exactly this expression, so the planner can use it.
PG_DOCUMENT = """jsonb_to_tsvector('simple'::regconfig, "demos_example"."fields", '["string"]')"""

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEXED} USING fts5("
    "body, tokenize = 'unicode61 remove_diacritics 0')"
)
# FTS5 writes each transaction's rows as a new segment, and by default merges every 4 segments
# of a size as it goes. Merging only when 16 pile up (crisismerge) builds a 1M-row upload's index
# in 8.3 s instead of 10.1, and a search is as fast (measured on 40 chunks of 25k rows).
SQLITE_SETTINGS = f"INSERT INTO {INDEXED} ({TABLE}, rank) VALUES ('automerge', 0)"  # noqa: S608
# The text of a stored example: its shown values, space-separated, as the upload indexes them
# (demos.services.processing.search_text).
SQLITE_BODY = "(SELECT group_concat(value, ' ') FROM json_each({row}.fields))"
SQLITE_BACKFILL = (
    f"INSERT INTO {INDEXED} (rowid, body) "  # noqa: S608
    f"SELECT id, {SQLITE_BODY.format(row='demos_example')} FROM main.demos_example"
)
# TEMP triggers keep the index in step with what Django's connections write: only those may
# reach into another attached database (by the unqualified name, the only kind a trigger may
# write to). Each connection makes its own when it opens (attach); SQLite drops them with the
# table when a migration remakes it. The upload's own writer has neither: it indexes its rows
# itself, beside storing them (demos/storing.py).
SQLITE_TRIGGERS = [
    f"CREATE TEMP TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON main.demos_example "  # noqa: S608
    f"BEGIN INSERT INTO {TABLE} (rowid, body) VALUES (new.id, {SQLITE_BODY.format(row='new')}); "
    "END",
    f"CREATE TEMP TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF fields "  # noqa: S608
    f"ON main.demos_example BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; "
    f"INSERT INTO {TABLE} (rowid, body) VALUES (new.id, {SQLITE_BODY.format(row='new')}); END",
    f"CREATE TEMP TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON main.demos_example "  # noqa: S608
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END",
]
PG_CREATE = [f"CREATE INDEX IF NOT EXISTS {TABLE} ON demos_example USING gin (({PG_DOCUMENT}))"]
PG_DROP = [f"DROP INDEX IF EXISTS {TABLE}"]


def database_name(main: str) -> str:
    """Where SQLite's text index lives, given the main database's NAME (a path, or the URI of
    the in-memory database Django tests on)."""
    if main.startswith("file:"):  # file:memorydb_default?mode=memory&cache=shared
        name, _, options = main.partition("?")
        return f"{name}_{SCHEMA}?{options}"
    if main in ("", ":memory:"):
        return ":memory:"
    path = Path(main)
    return str(path.with_name(f"{path.stem}.{SCHEMA}{path.suffix}"))


def attach(sqlite_connection: sqlite3.Connection, main: str) -> None:
    """Attach the text index to a new SQLite connection (connection_created) and give the
    connection its triggers. A missing index is made, and filled from the stored examples."""
    cursor = sqlite_connection.cursor()
    cursor.execute(f"ATTACH DATABASE ? AS {SCHEMA}", [database_name(main)])
    cursor.execute(f"PRAGMA {SCHEMA}.journal_mode = WAL")
    cursor.execute(f"PRAGMA {SCHEMA}.synchronous = NORMAL")
    cursor.execute(f"SELECT 1 FROM {SCHEMA}.sqlite_master WHERE name = ?", [TABLE])  # noqa: S608
    exists = cursor.fetchone() is not None
    cursor.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'demos_example'")
    examples = cursor.fetchone() is not None
    if not exists:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            cursor.execute(SQLITE_TABLE)  # IF NOT EXISTS: another connection may have been first
            cursor.execute(SQLITE_SETTINGS)
            cursor.execute(f"SELECT count(*) FROM {INDEXED}")  # noqa: S608
            if examples and not cursor.fetchone()[0]:
                cursor.execute(SQLITE_BACKFILL)
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
    if examples:
        for trigger in SQLITE_TRIGGERS:
            cursor.execute(trigger)
    cursor.close()


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
    match = f"SELECT rowid FROM {INDEXED} WHERE {TABLE} MATCH %s"  # noqa: S608
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


def index_rows(database: str, first_id: int, bodies, *, chunk_rows: int, done, stop) -> None:
    """Index examples first_id, first_id + 1, … with their shown text, by chunks (SQLite;
    PostgreSQL indexes the stored rows itself). On a connection of its own to the index's file:
    this runs beside the storing of the rows (demos/storing.py) and must not take the main
    file's write lock. `done(n)` hears how many rows are indexed so far; the `stop` event ends
    it after a chunk."""
    index = sqlite3.connect(database, timeout=20, isolation_level=None, uri=True)
    try:
        index.execute("PRAGMA synchronous = NORMAL")
        indexed = 0
        while not stop.is_set() and (chunk := bodies[indexed : indexed + chunk_rows]):
            index.execute("BEGIN IMMEDIATE")
            # The chunk goes in as one JSON array: SQLite takes it apart without the Python
            # interpreter, which the thread storing the rows needs meanwhile.
            index.execute(
                f"INSERT INTO {TABLE} (rowid, body) SELECT key + ?, value FROM json_each(?)",  # noqa: S608
                [first_id + indexed, json.dumps(chunk, ensure_ascii=False)],
            )
            index.execute("COMMIT")
            indexed += len(chunk)
            done(indexed)
    finally:
        index.close()  # rolls back a chunk left unfinished


def create_sqlite_index(apps, schema_editor) -> None:
    """Make sure the migrating connection has the index (attach made it) and its triggers."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        for trigger in SQLITE_TRIGGERS:
            schema_editor.execute(trigger)


def create_pg_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)


def drop_pg_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_DROP:
            schema_editor.execute(sql)
