"""The export streams: memory stays flat however many rows a table has (a million-row demo
dataset must not be held in memory), and the rows are read in a fixed number of queries."""

import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backups.services.archive import CHUNK_ROWS
from backups.services.export import portfolio_export
from backups.services.restore import portfolio_import
from demos.models import Dataset, Example
from demos.services import demo_create
from tests.factories import make_project, make_team, make_user

from .helpers import empty_database

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


def test_export_reads_each_table_in_one_query(tmp_path):
    many_examples(CHUNK_ROWS * 3 + 1)
    with CaptureQueriesContext(connection) as export_queries:
        portfolio_export(path=tmp_path / "big.zip")
    reads = [q["sql"] for q in export_queries if 'FROM "demos_example"' in q["sql"]]
    assert len(reads) == 1  # a server-side cursor, fetched CHUNK_ROWS at a time
    empty_database()
    portfolio_import(path=tmp_path / "big.zip")
    assert Example.objects.count() == CHUNK_ROWS * 3 + 1
