"""Storing an upload's checked rows, chunk by chunk so the job can report progress.

Both databases use the machine's two cores (measured on 1M rows; bench/README.md):

- PostgreSQL: COPY on two connections at once. The server's processes do most of the work (the
  GIN text index above all), and two of them run side by side.
- SQLite lets one connection at a time write to a database file, and the rows (with their two
  indexes) and the text index would each keep a writer busy for about nine seconds. The text
  index has a file of its own (demos/search.py), so one thread fills it while another stores the
  rows; the rows' ids are reserved up front, so the index need not wait for them. A third thread
  makes the next chunks of rows and a fourth checkpoints the write-ahead log, each while SQLite
  works on the others' behalf. The writers use plain sqlite3 connections: Django's have the
  index file attached, and their transactions (BEGIN IMMEDIATE) would lock both files at once.
"""

import contextlib
import itertools
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence

import numpy as np
from django.db import connection, transaction

from lifecycle.bulk import insert_rows, insert_sqlite

from . import search
from .models import Example

CHUNK_ROWS = 50_000  # rows per transaction: other writers get a turn between chunks
INDEX_CHUNK_ROWS = 25_000  # the text index's transactions; it holds its file's lock meanwhile
PAGE_CACHE_KIB = 128 * 1024  # see _open
COLUMNS = ("dataset_id", "row", "external_id", "score", "top_class", "fields")


def store_examples(
    dataset_id: int,
    texts: list[str],
    values: Callable[[int, int], dict[str, Sequence]],
    progress: Callable[[int], None],
) -> None:
    """Store the examples of a dataset, in the order of `texts`, what the search finds each by.
    `values(start, stop)` makes the other columns of rows start…stop - 1 in that order: a
    sequence per column of COLUMNS but dataset_id (asked chunk by chunk, on whichever thread
    stores the chunk or gets it ready). `progress(n)` hears how many rows are stored and
    searchable so far. On failure, rows already stored stay: the caller removes the dataset's
    rows (uploads._discard)."""
    total = len(texts)
    if connection.vendor == "sqlite":
        _store_sqlite(dataset_id, texts, values, total, progress)
    else:
        _store_postgresql(dataset_id, values, total, progress)


def _store_postgresql(dataset_id, values, total, progress) -> None:
    """COPY by chunks, on two connections at once: PostgreSQL's server process does most of the
    work (the GIN text index above all), so a second one uses the other core (1M rows: 30 -> 19 s
    in a replica). Inside a transaction (seed_demo) the other connection could not see the
    dataset, so everything goes through this one."""
    chunks = _Chunks(dataset_id, values, total)
    second = None
    if not connection.in_atomic_block:
        second = _CopyStream(chunks)
        second.start()
    try:
        while chunk := chunks.next():
            _copy(chunk)
            chunks.stored(len(chunk))
            if second:
                second.raise_failure()
            progress(chunks.done)
        while second and second.running():
            progress(chunks.done)
        if second:
            second.raise_failure()
    finally:
        if second:
            second.stop()
    progress(chunks.done)


def _copy(chunk: list[tuple]) -> None:
    with transaction.atomic():
        insert_rows(Example._meta.db_table, COLUMNS, chunk)


class _Chunks:
    """The rows, made and handed out a chunk at a time to whichever thread asks. With `first_id`
    each row starts with its id."""

    def __init__(self, dataset_id, values, total: int, first_id: int | None = None):
        self.dataset_id = dataset_id
        self.values = values
        self.total = total
        self.first_id = first_id
        self._next = 0
        self._lock = threading.Lock()
        self.done = 0

    def next(self) -> list[tuple]:
        with self._lock:
            start, stop = self._next, min(self._next + CHUNK_ROWS, self.total)
            self._next = stop
        if start == stop:
            return []
        values = self.values(start, stop)
        columns = [
            itertools.repeat(self.dataset_id, stop - start),
            *(values[name] for name in COLUMNS[1:]),
        ]
        if self.first_id is not None:
            columns.insert(0, range(self.first_id + start, self.first_id + stop))
        return list(zip(*columns, strict=True))

    def stored(self, count: int) -> None:
        with self._lock:
            self.done += count


def insert_order(scores: np.ndarray) -> np.ndarray:
    """The order to store rows in: chunk by chunk as in the file, and within a chunk the highest
    score first (ties in file order). The score index then takes each chunk's entries one after
    the other instead of all over it: 12 % less time storing 1M rows on SQLite."""
    order = np.arange(len(scores))
    for start in range(0, len(scores), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        order[part] = start + np.argsort(-scores[part], kind="stable")
    return order


def _store_sqlite(dataset_id, texts, values, total, progress) -> None:
    # is_in_memory_db() is SQLite's (this is the SQLite path); django-stubs types the base wrapper.
    if connection.in_atomic_block or connection.is_in_memory_db():  # type: ignore[attr-defined]
        _store_sqlite_one_connection(dataset_id, values, total, progress)
        return
    main = connection.settings_dict["NAME"]
    writer = _open(main)
    indexer = _Indexer(search.database_name(main), texts)
    checkpointer = _Checkpointer(main)
    preparer = _Preparer(None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        try:
            first_id = _reserve_ids(writer, total)
            writer.execute("COMMIT")
        except BaseException:
            writer.execute("ROLLBACK")
            raise
        indexer.start(first_id)
        checkpointer.start()
        preparer = _Preparer(_Chunks(dataset_id, values, total, first_id))
        preparer.start()
        stored = 0
        with _no_autocheckpoint(connection):
            while chunk := preparer.next():
                writer.execute("BEGIN IMMEDIATE")
                try:
                    insert_sqlite(writer, Example._meta.db_table, ("id", *COLUMNS), chunk)
                    writer.execute("COMMIT")
                except BaseException:
                    writer.execute("ROLLBACK")
                    raise
                checkpointer.committed()
                stored += len(chunk)
                indexer.raise_failure()
                checkpointer.raise_failure()
                progress(min(stored, indexer.indexed))
            while indexer.running():
                progress(min(stored, indexer.indexed))
        indexer.raise_failure()
    finally:
        for thread in (preparer, indexer, checkpointer):
            thread.stop()
        writer.close()


def _store_sqlite_one_connection(dataset_id, values, total, progress) -> None:
    """Inside a transaction (seed_demo makes its demos in one), which holds the write locks, or
    on an in-memory database, which other connections cannot share: everything goes through
    Django's connection, whose triggers index the rows."""
    chunks = _Chunks(dataset_id, values, total)
    while chunk := chunks.next():
        insert_rows(Example._meta.db_table, COLUMNS, chunk)
    progress(total)


def _open(database: str) -> sqlite3.Connection:
    """A plain connection to the main file. A page cache large enough for the score index:
    scores arrive in any order, so its inserts land all over, and with the default 2 MB most go
    through the OS (measured: 15 % of the storing time on 1M rows)."""
    writer = sqlite3.connect(database, timeout=20, isolation_level=None, uri=True)
    writer.execute("PRAGMA synchronous = NORMAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # _Checkpointer's work
    writer.execute(f"PRAGMA cache_size = {-PAGE_CACHE_KIB}")
    return writer


def _reserve_ids(db: sqlite3.Connection, count: int) -> int:
    """Reserve `count` consecutive example ids and return the first (in the caller's write
    transaction). The table's ids come from AUTOINCREMENT, which never hands out an id at or
    below sqlite_sequence's: raising it keeps every other writer out of the range."""
    table = Example._meta.db_table
    found = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
    last = found[0] if found else 0
    if found:
        reserve = "UPDATE sqlite_sequence SET seq = ?1 WHERE name = ?2"
    else:
        reserve = "INSERT INTO sqlite_sequence (seq, name) VALUES (?1, ?2)"
    db.execute(reserve, [last + count, table])
    return last + 1


@contextlib.contextmanager
def _no_autocheckpoint(django_connection):
    """Django's connection reports progress meanwhile: its commits must not checkpoint either
    (a commit that finds the log long checkpoints it, on this thread). Restored afterwards."""
    with django_connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with django_connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {before}")


class _Background:
    """A thread whose failure the storing thread raises (raise_failure)."""

    name = "demos-storing"

    def __init__(self):
        self.failure: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, *args) -> None:
        self._thread = threading.Thread(target=self._guarded, args=args, name=self.name)
        self._thread.daemon = True
        self._thread.start()

    def _guarded(self, *args) -> None:
        try:
            self.run(*args)
        except BaseException as error:
            self.failure = error

    def run(self, *args) -> None:
        raise NotImplementedError

    def running(self, wait: float = 1.0) -> bool:
        assert self._thread is not None, "start() first"
        self._thread.join(wait)
        return self._thread.is_alive()

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


class _Preparer(_Background):
    """Makes the next chunks of rows (their JSON, their tuples) while the writer stores one: the
    writer's thread leaves the interpreter while SQLite works, and this one uses it meanwhile."""

    name = "demos-prepare"
    AHEAD = 2  # chunks made ahead of the writer

    def __init__(self, chunks: _Chunks | None):
        super().__init__()
        self.chunks = chunks
        self._ready: queue.Queue = queue.Queue(maxsize=self.AHEAD)

    def run(self) -> None:
        assert self.chunks is not None, "a preparer runs only with chunks to make"
        while not self._stop.is_set():
            chunk = self.chunks.next()
            while not self._stop.is_set():
                try:
                    self._ready.put(chunk, timeout=0.5)
                    break
                except queue.Full:
                    continue
            if not chunk:
                return

    def next(self) -> list[tuple]:
        """The next chunk, [] after the last."""
        while True:
            try:
                return self._ready.get(timeout=0.5)
            except queue.Empty:
                self.raise_failure()
                if self._thread is None or not self._thread.is_alive():
                    self.raise_failure()
                    return []


class _CopyStream(_Background):
    """The second connection of _store_postgresql: Django gives this thread its own."""

    name = "demos-copy"

    def __init__(self, chunks: _Chunks):
        super().__init__()
        self.chunks = chunks

    def run(self) -> None:
        try:
            while not self._stop.is_set() and (chunk := self.chunks.next()):
                _copy(chunk)
                self.chunks.stored(len(chunk))
        finally:
            connection.close()  # this thread's connection, not the caller's


class _Indexer(_Background):
    """Fills the text index (see the module's docstring)."""

    name = "demos-text-index"

    def __init__(self, database: str, texts: list[str]):
        super().__init__()
        self.database = database
        self.texts = texts
        self.indexed = 0

    def run(self, first_id: int) -> None:
        search.index_rows(
            self.database,
            first_id,
            self.texts,
            chunk_rows=INDEX_CHUNK_ROWS,
            done=self._done,
            stop=self._stop,
        )

    def _done(self, indexed: int) -> None:
        self.indexed = indexed


class _Checkpointer(_Background):
    """Copies each stored chunk from the write-ahead log into the main file while the next one
    is stored, on the other core. Left to the writer, that copying took 3 of its 13 s on 1M
    rows (the score index's pages are written again by every chunk)."""

    name = "demos-checkpoint"

    def __init__(self, database: str):
        super().__init__()
        self.database = database
        self._committed = threading.Event()

    def committed(self) -> None:
        self._committed.set()

    def run(self) -> None:
        log = sqlite3.connect(self.database, timeout=20, isolation_level=None, uri=True)
        try:
            while True:
                self._committed.wait()
                self._committed.clear()
                if self._stop.is_set():
                    return
                log.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            log.close()

    def stop(self) -> None:
        self._stop.set()
        self._committed.set()
        super().stop()
