"""Storing an upload on SQLite, the embedded default (demos/storing.py): the rows and the text
index are written side by side, by two connections, to two files. Run in a subprocess on a fresh
SQLite file, as the suite's own database is PostgreSQL."""

import json

from tests.sqlite_process import manage_on_sqlite

SCRIPT = """
import json, os
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from tests.factories import make_project, make_team, make_user
from demos import search, storing
from demos.models import Dataset, Example, UploadJob
from demos.queries import examples_page
from demos.services import demo_create
from demos.services.uploads import save_upload
from demos.services.processing import Columns, upload_process

storing.CHUNK_ROWS = 7  # several chunks of rows and of the text index
storing.INDEX_CHUNK_ROWS = 5
owner = make_user("olivia")
project = make_project(make_team("Growth", members={owner: "owner"}), owner)
demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
CSV = "id,score,title,text\\n" + "".join(
    f"r{i},{i / 100:.2f},Ticket {i},word{i} common\\n" for i in range(40)
)
results = {}


def upload(version):
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("outputs.csv", CSV.encode()),
        model_version=version,
        columns=Columns("id", "score", [], ["title", "text"]),
        by=owner,
    )
    job.refresh_from_db()
    return job


def found(dataset, text):
    return sorted(e.external_id for e in examples_page(dataset, search=text, per_page=100).examples)


def index_rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search.INDEXED}")
        return cursor.fetchone()[0]


# Another writer adds an example between two chunks of the upload.
other = Dataset.objects.create(demo=demo, model_version="other", scale=demo.scale, ready=False)
committed = storing._Checkpointer.committed
def commit_then_other_writer(self):
    committed(self)
    if not Example.objects.filter(dataset=other).exists():
        Example.objects.create(dataset=other, row=2, external_id="x", score=0.5)
storing._Checkpointer.committed = commit_then_other_writer
job = upload("v1")
storing._Checkpointer.committed = committed
first = Dataset.objects.get(pk=job.dataset_id)
ids = sorted(first.examples.values_list("pk", flat=True))
results["status"] = job.status
results["progress"] = job.progress
results["rows"] = len(ids)
results["ids_consecutive"] = ids == list(range(ids[0], ids[0] + 40))
results["other_writer_outside"] = not (ids[0] <= other.examples.get().pk <= ids[-1])
results["word3"] = found(first, "word3")
results["common"] = len(found(first, "common"))
results["index_rows"] = index_rows()

# The text index fails half-way: nothing of the upload stays, in either file.
index_rows_before = index_rows()
real_index_rows = search.index_rows
def index_then_fail(database, first_id, bodies, **options):
    real_index_rows(database, first_id, bodies[:5], **options)
    raise OSError("disk full")
search.index_rows = index_then_fail
try:
    upload("v2")
except OSError as error:
    results["failure"] = str(error)
search.index_rows = real_index_rows
results["failed_datasets"] = Dataset.objects.filter(model_version="v2").count()
results["index_rows_after_failure"] = index_rows() - index_rows_before

# A worker killed half-way: the redelivered task starts over, without duplicates.
real_store = storing._store_sqlite
def store_then_die(dataset_id, texts, values, total, progress):
    real_store(dataset_id, texts[:10], values, 10, progress)
    raise SystemExit
storing._store_sqlite = store_then_die
try:
    upload("v3")
except SystemExit:
    pass
storing._store_sqlite = real_store
job = UploadJob.objects.get(model_version="v3")
upload_process(job.pk)
job.refresh_from_db()
third = Dataset.objects.get(pk=job.dataset_id)
results["retry_status"] = job.status
results["retry_rows"] = third.examples.count()
results["retry_index_rows"] = index_rows() - index_rows_before
results["retry_word3"] = found(third, "word3")

# The index's file is lost: the next connection makes it again from the stored examples.
connection.close()
index_file = search.database_name(connection.settings_dict["NAME"])
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(index_file + suffix):
        os.remove(index_file + suffix)
results["rebuilt_word3"] = found(first, "word3")
results["rebuilt_index_rows"] = index_rows()
print(json.dumps(results))
"""


def test_storing_on_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    results = json.loads(manage_on_sqlite(database, "shell", "-c", SCRIPT).strip().splitlines()[-1])

    # Stored whole, under consecutive ids another writer's row did not land among.
    assert results["status"] == "succeeded"
    assert results["progress"] == 100
    assert results["rows"] == 40
    assert results["ids_consecutive"]
    assert results["other_writer_outside"]
    # Searchable: every row is in the text index, once; so is the other writer's row, which
    # its connection's trigger indexed.
    assert results["word3"] == ["r3", *(f"r{i}" for i in range(30, 40))]
    assert results["common"] == 40
    assert results["index_rows"] == 40 + 1
    # A failure of the text index leaves neither rows nor index entries behind.
    assert results["failure"] == "disk full"
    assert results["failed_datasets"] == 0
    assert results["index_rows_after_failure"] == 0
    # A retried job after a killed worker: complete, once.
    assert results["retry_status"] == "succeeded"
    assert results["retry_rows"] == 40
    assert results["retry_index_rows"] == 40
    assert results["retry_word3"] == results["word3"]
    # A lost index file is made again from the examples.
    assert results["rebuilt_word3"] == results["word3"]
    assert results["rebuilt_index_rows"] == 40 + 1 + 40
    assert (tmp_path / "db.search.sqlite3").exists()
