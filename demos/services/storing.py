"""Storing an upload's checked rows, chunk by chunk so the job can report progress.

- PostgreSQL, the production database: COPY (plumbing/bulk.py), on two connections at once, then
  ANALYZE (fresh statistics for the reads that follow). The server's processes do most of the
  work (the GIN text index: half of it), and two of them run side by side on the machine's two
  cores (1M rows: 30 -> 19 s; bench/README.md). Inside a transaction (seed_demo) the second
  connection could not see the dataset: one connection then.
- SQLite, the embedded default for trials: bulk_create, a chunk per transaction, on Django's own
  connection. Correct, not tuned.
"""

import itertools
import threading
from collections.abc import Callable, Sequence

import numpy as np
from django.db import connection, transaction

from plumbing.bulk import insert_rows

from ..models import Example

CHUNK_ROWS = 50_000  # rows per transaction: other writers get a turn between chunks
COLUMNS = ("dataset_id", "row", "external_id", "score", "top_class", "fields")


def store_examples(
    dataset_id: int,
    total: int,
    values: Callable[[int, int], dict[str, Sequence]],
    progress: Callable[[int], None],
) -> None:
    """Store `total` examples of a dataset. `values(start, stop)` makes rows start…stop - 1: a
    sequence per column of COLUMNS but dataset_id, `fields` as JSON text (asked chunk by chunk,
    on whichever thread stores the chunk). `progress(n)` hears how many rows are stored so far.
    On failure, rows already stored stay: the caller removes the dataset's rows
    (processing._discard)."""
    chunks = _Chunks(dataset_id, values, total)
    # A second connection could not see a dataset made in a transaction (seed_demo).
    second = None
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        second = _CopyStream(chunks)
        second.start()
    try:
        while chunk := chunks.next():
            _insert(chunk)
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
    if second and total >= CHUNK_ROWS:
        _analyze()
    progress(chunks.done)


def _analyze() -> None:
    """Fresh planner statistics once a large upload is stored (PostgreSQL; a small one leaves it
    to autovacuum): until autovacuum gets to it (a minute or more), the planner takes the new
    dataset for a few rows and sorts it whole where an index would do (the first drift PSI after
    a 1M-row upload: 1.8 s on the test server's settings, 0.5 s analysed; bench/README.md).
    Only the columns the reads plan on: the text index's expression (a tsvector of every sampled
    row) would triple the cost (1M rows: 0.2-0.3 s, against 0.6-0.75 s for the whole table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Example._meta.db_table} (dataset_id, score)")


def _insert(chunk: list[tuple]) -> None:
    with transaction.atomic():
        insert_rows(Example, COLUMNS, chunk)


class _Chunks:
    """The rows, made and handed out a chunk at a time to whichever thread asks."""

    def __init__(
        self, dataset_id: int, values: Callable[[int, int], dict[str, Sequence]], total: int
    ):
        self.dataset_id = dataset_id
        self.values = values
        self.total = total
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
        return list(zip(*columns, strict=True))

    def stored(self, count: int) -> None:
        with self._lock:
            self.done += count


def insert_order(scores: np.ndarray) -> np.ndarray:
    """The order to store rows in: chunk by chunk as in the file, and within a chunk the highest
    score first (ties in file order). The (dataset, score) index then takes each chunk's entries
    one after the other instead of all over it."""
    order = np.arange(len(scores))
    for start in range(0, len(scores), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        order[part] = start + np.argsort(-scores[part], kind="stable")
    return order


class _CopyStream:
    """The second connection on PostgreSQL: Django gives this thread its own. Its
    failure is raised on the storing thread (raise_failure)."""

    def __init__(self, chunks: _Chunks):
        self.chunks = chunks
        self.failure: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._guarded, name="demos-copy", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _guarded(self) -> None:
        try:
            while not self._stop.is_set() and (chunk := self.chunks.next()):
                _insert(chunk)
                self.chunks.stored(len(chunk))
        except BaseException as error:
            self.failure = error
        finally:
            connection.close()  # this thread's connection, not the caller's

    def running(self, wait: float = 1.0) -> bool:
        self._thread.join(wait)
        return self._thread.is_alive()

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
