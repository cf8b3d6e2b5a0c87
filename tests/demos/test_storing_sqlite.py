"""Storing an upload on SQLite, the embedded default (demos/services/storing.py): plain
bulk_create by chunks on Django's connection, with the same guarantees as on PostgreSQL (whole or
nothing, a retried job complete once, readings with their moments as the ORM stores them). Run
in a subprocess on a fresh SQLite file, as the suite's own database is PostgreSQL."""

import json

from tests.sqlite_process import manage_on_sqlite

SCRIPT = """
import datetime, json
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from tests.factories import add_criterion, make_project, make_team, make_user
from demos.models import Dataset, Example, UploadJob
from demos.queries import examples_page
from demos.services import demo_create
from demos.services import storing
from demos.services.uploads import save_upload
from demos.services.processing import Columns, upload_process
from plumbing.bulk import insert_rows
from lifecycle.models import Reading

storing.CHUNK_ROWS = 7  # several chunks, each its own transaction
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


job = upload("v1")
first = Dataset.objects.get(pk=job.dataset_id)
results["status"] = job.status
results["progress"] = job.progress
results["rows"] = first.examples.count()
results["fields"] = first.examples.get(external_id="r3").fields
results["word3"] = found(first, "word3")
results["common"] = len(found(first, "common"))
results["ticket_3"] = found(first, "ticket 3")

# Storing fails half-way: nothing of the upload stays.
real_insert = storing._insert
calls = []
def insert_then_fail(chunk):
    calls.append(1)
    if len(calls) == 3:
        raise OSError("disk full")
    real_insert(chunk)
storing._insert = insert_then_fail
try:
    upload("v2")
except OSError as error:  # in-process, as without a broker: the caller hears it
    results["failure"] = str(error)
storing._insert = real_insert
results["failed_status"] = UploadJob.objects.get(model_version="v2").status
results["failed_rows"] = Example.objects.exclude(dataset=first).count()

# A worker killed half-way: the redelivered task starts over, without duplicates.
calls.clear()
def insert_then_die(chunk):
    calls.append(1)
    if len(calls) == 3:
        raise SystemExit
    real_insert(chunk)
storing._insert = insert_then_die
try:
    upload("v3")
except SystemExit:
    pass
storing._insert = real_insert
job = UploadJob.objects.get(model_version="v3")
upload_process(job.pk)
job.refresh_from_db()
third = Dataset.objects.get(pk=job.dataset_id)
results["retry_status"] = job.status
results["retry_rows"] = third.examples.count()
results["retry_word3"] = found(third, "word3")

# Readings through the bulk path read back as the ORM stores them.
criterion = add_criterion(project, owner)
zone = datetime.timezone(datetime.timedelta(hours=2))
moment = datetime.datetime(2026, 3, 29, 2, 30, 5, 123, tzinfo=zone)
columns = ("criterion_id", "project_id", "value", "at", "source", "created_by_id")
insert_rows(Reading, columns, [(criterion.pk, project.pk, 0.5, moment, "api", owner.pk)])
Reading.objects.create(
    criterion=criterion, project=project, value=0.5, at=moment, source="api", created_by=owner
)
with connection.cursor() as cursor:
    cursor.execute("SELECT at FROM lifecycle_reading ORDER BY id")
    results["stored_at"] = [row[0] for row in cursor.fetchall()]
results["read_at"] = [r.at.isoformat() for r in Reading.objects.order_by("id")]
print(json.dumps(results, default=str))
"""


def test_storing_on_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    results = json.loads(manage_on_sqlite(database, "shell", "-c", SCRIPT).strip().splitlines()[-1])

    # Stored whole and searchable.
    assert results["status"] == "succeeded"
    assert results["progress"] == 100
    assert results["rows"] == 40
    assert results["fields"] == {"title": "Ticket 3", "text": "word3 common"}
    assert results["word3"] == ["r3", *(f"r{i}" for i in range(30, 40))]
    assert results["common"] == 40
    assert results["ticket_3"] == ["r3", *(f"r{i}" for i in range(30, 40))]
    # A failure half-way leaves no rows behind and says the job failed.
    assert results["failure"] == "disk full"
    assert results["failed_status"] == "failed"
    assert results["failed_rows"] == 0
    # A retried job after a killed worker: complete, once.
    assert results["retry_status"] == "succeeded"
    assert results["retry_rows"] == 40
    assert results["retry_word3"] == results["word3"]
    # The bulk path stores a moment exactly as the ORM does.
    first, second = results["stored_at"]
    assert first == second
    assert results["read_at"][0] == results["read_at"][1] == "2026-03-29T00:30:05.000123+00:00"
