"""No lost work under concurrency (PostgreSQL): retried experiment posts with one
Idempotency-Key, and uploads to one demo at the same moment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demos.models import Dataset, Example, JobStatus, UploadJob
from lifecycle.models import Experiment, Reading
from tests.concurrency import at_once

from .conftest import url

pytestmark = pytest.mark.django_db(transaction=True)


EXPERIMENT = {
    "title": "Gradient boosting on ticket text",
    "readings": [{"criterion": "Recall", "value": 0.52}],
}


def test_eight_posts_with_one_key_add_one_experiment(api_as, editor, project, recall):
    clients = [api_as(editor) for _ in range(8)]  # eight tokens of one user: one key scope
    posts = [
        lambda api=api: api.post(
            url(project, "/experiments"), EXPERIMENT, **{"Idempotency-Key": "run-7"}
        )
        for api in clients
    ]
    responses = at_once(posts)

    assert [r.status_code for r in responses] == [201] * 8
    assert len({r.content for r in responses}) == 1  # the same experiment, replayed
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert Experiment.objects.count() == 1
    assert Reading.objects.count() == 1


UPLOADS = 20


def _csv(number: int) -> bytes:
    """Upload `number` has number + 1 rows."""
    rows = "".join(f"u{number}-r{row},0.{row % 10}\n" for row in range(number + 1))
    return f"id,score\n{rows}".encode()


def test_twenty_uploads_to_one_demo_store_every_row_once(api_as, editor, demo):
    clients = [api_as(editor) for _ in range(UPLOADS)]

    def upload(number: int):
        data = {
            "file": SimpleUploadedFile(f"outputs-{number}.csv", _csv(number)),
            "model_version": f"v{number}",
        }
        api = clients[number]
        return lambda: api.client.post(
            f"/api/v1/demos/{demo.pk}/datasets", data, headers=api._headers({})
        )

    responses = at_once([upload(number) for number in range(UPLOADS)])

    assert [r.status_code for r in responses] == [202] * UPLOADS
    jobs = UploadJob.objects.filter(demo=demo)
    assert sorted(jobs.values_list("status", "progress")) == [(JobStatus.SUCCEEDED, 100)] * UPLOADS
    stored = {d.model_version: d.row_count for d in Dataset.objects.filter(demo=demo, ready=True)}
    assert stored == {f"v{n}": n + 1 for n in range(UPLOADS)}
    for number in range(UPLOADS):
        ids = Example.objects.filter(dataset__model_version=f"v{number}").values_list(
            "external_id", flat=True
        )
        assert sorted(ids) == sorted(f"u{number}-r{row}" for row in range(number + 1))
    assert Example.objects.count() == sum(
        n + 1 for n in range(UPLOADS)
    )  # 210: none lost or doubled
