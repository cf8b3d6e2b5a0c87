"""Deleting a dataset, a demo or a project takes its examples with it in one statement: Django's
cascade would load every example first, and a dataset can hold a million."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demos.models import Dataset, Demo, Example, Feedback
from demos.services import feedback_record
from demos.services.processing import Columns
from demos.services.uploads import save_upload
from lifecycle.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


def upload(demo, owner, rows: int, version: str) -> Dataset:
    csv = "id,score,text\n" + "".join(f"r{i},0.{i % 10},ticket {i}\n" for i in range(rows))
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("outputs.csv", csv.encode()),
        model_version=version,
        columns=Columns(id="id", score="score", classes=[], display=["text"]),
        by=owner,
    )
    job.refresh_from_db()
    dataset = Dataset.objects.get(pk=job.dataset_id)
    for example in dataset.examples.all()[:3]:
        feedback_record(example=example, verdict="agree", user=owner)
    return dataset


def examples_read(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"demos_example"' in q["sql"]
    ]


@pytest.mark.parametrize("rows", [20, 400])
def test_deleting_a_project_never_reads_its_examples(project, demo, owner, rows):
    upload(demo, owner, rows, "v1")
    upload(demo, owner, rows, "v2")
    with CaptureQueriesContext(connection) as queries:
        Project.objects.filter(pk=project.pk).delete()
    assert examples_read(queries.captured_queries) == []
    assert not Example.objects.exists()
    assert not Feedback.objects.exists()
    assert not Dataset.objects.exists()
    assert not Demo.objects.exists()


def test_deleting_one_dataset_leaves_the_others_examples(demo, owner):
    first = upload(demo, owner, 30, "v1")
    second = upload(demo, owner, 30, "v2")
    with CaptureQueriesContext(connection) as queries:
        first.delete()
    assert examples_read(queries.captured_queries) == []
    assert Example.objects.filter(dataset=first.pk).count() == 0
    assert Example.objects.filter(dataset=second).count() == 30
    assert Feedback.objects.filter(dataset=second).count() == 3
    assert not Feedback.objects.filter(dataset=first.pk).exists()


def test_deleting_a_demo_removes_its_datasets_examples(demo, owner):
    upload(demo, owner, 30, "v1")
    Demo.objects.get(pk=demo.pk).delete()
    assert not Example.objects.exists()
    assert not Feedback.objects.exists()
