"""The export streams: memory stays flat however many rows a table has (a million-row demo
dataset must not be held in memory), and rows are read in chunks by one query."""

import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backups.services import export
from backups.services.archive import CHUNK_ROWS
from backups.services.export import portfolio_export
from backups.services.tables import NaturalKeys, backup_tables
from demos.models import Dataset, Example
from demos.services import demo_create
from tests.factories import make_project, make_team, make_user

pytestmark = pytest.mark.django_db

ROWS = 30_000
TEXT = 2_000  # characters shown per example: 60 MB of text in all


def many_examples(rows: int) -> None:
    owner = make_user()
    project = make_project(make_team(members={owner: "owner"}), owner)
    demo = demo_create(project=project, title="Routing", by=owner)
    dataset = Dataset.objects.create(demo=demo, model_version="v1", scale=demo.scale)
    Example.objects.bulk_create(
        (
            Example(dataset=dataset, row=n, external_id=f"t{n}", score=n / rows,
                    fields={"text": f"{n:06d}" + "x" * TEXT})
            for n in range(rows)
        ),
        batch_size=2000,
    )  # fmt: skip


def test_export_memory_does_not_grow_with_the_table(tmp_path):
    many_examples(ROWS)
    tracemalloc.start()
    try:
        portfolio_export(path=tmp_path / "big.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The table's text alone is 60 MB; a chunk of it is 4 MB (a few times that as the rows
    # fetched, their JSON lines and the bytes written).
    assert peak < 25_000_000, f"peak {peak:,} bytes"


def test_rows_written_by_python_are_read_in_chunks_by_one_query():
    """SQLite's path, and PostgreSQL's for the tables that hold natural keys."""
    many_examples(CHUNK_ROWS * 3 + 1)
    table = next(t for t in backup_tables() if t.name == "demos_example")
    with CaptureQueriesContext(connection) as queries:
        blocks = list(export._encoded_chunks(table, NaturalKeys()))
    assert [block.count(b"\n") for block in blocks] == [CHUNK_ROWS] * 3 + [1]
    assert len([q for q in queries if 'FROM "demos_example"' in q["sql"]]) == 1
