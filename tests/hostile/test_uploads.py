"""Every hostile upload in the corpus: a 4xx or a failed job whose message says what to change,
and no rows left behind; or, for what is harmless as text, rows stored exactly as sent."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demos.models import Dataset, Example, JobStatus, UploadJob
from tests.api.conftest import ApiClient

from .corpus import ACCEPTED, UPLOADS, Upload

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "datasets": Dataset.objects.count(),
        "examples": Example.objects.count(),
        "jobs": UploadJob.objects.count(),
    }


def send(api: ApiClient, demo, case: Upload):
    data = {"model_version": "v1", **case.fields}
    data["file"] = SimpleUploadedFile(case.filename, case.content())
    return api.client.post(f"/api/v1/demos/{demo.pk}/datasets", data, headers=api._headers({}))


@pytest.mark.parametrize("case", UPLOADS, ids=lambda case: case.id)
def test_a_hostile_upload_is_refused_with_what_to_change(case, api_as, editor, demo, run_tasks):
    api = api_as(editor)
    before = counts()
    with run_tasks():
        response = send(api, demo, case)
    assert response.status_code == case.status, response.content[:500]
    body = response.json()
    if case.status != ACCEPTED:
        message = " ".join([body["detail"], *(e["msg"] for e in body.get("errors", []))])
        assert counts() == before  # not even a job
    else:
        job = UploadJob.objects.get(pk=body["job_id"])
        message = " ".join(problem["message"] for problem in job.problems)
        after = counts()
        if case.stored:
            assert job.status == JobStatus.SUCCEEDED, message
            assert after["examples"] == before["examples"] + case.stored
        else:
            assert job.status == JobStatus.FAILED
            assert (after["datasets"], after["examples"]) == (
                before["datasets"],
                before["examples"],
            )
            assert not job.file  # the refused file is not kept
    for fragment in case.says:
        assert fragment in message


def test_formulas_in_an_upload_are_stored_as_the_text_sent(api_as, editor, demo, run_tasks):
    case = next(case for case in UPLOADS if case.id == "formula-injection")
    with run_tasks():
        send(api_as(editor), demo, case)
    stored = dict(Example.objects.values_list("external_id", "fields__title"))
    assert stored == {
        "=cmd|' /C calc'!A0": '=HYPERLINK("http://evil.example","click")',
        "+t2": "+SUM(1;2)",
        "-t3": "-2+3",
        "@t4": "@SUM(A1)",
        "t5": "\ttab",  # ids are trimmed; shown text is kept as it is
    }


@pytest.mark.parametrize(
    "case", [case for case in UPLOADS if case.status != ACCEPTED], ids=lambda case: case.id
)
def test_the_demo_page_refuses_the_same_uploads_with_the_same_words(
    case, client, editor, demo, project
):
    client.force_login(editor)
    data = {"model_version": "v1", "id_column": "id", "score_column": "score", **case.fields}
    data["file"] = SimpleUploadedFile(case.filename, case.content())
    before = counts()
    response = client.post(reverse("demos:dataset_upload", args=[project.slug, demo.pk]), data)
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    for fragment in case.says:
        assert fragment in page
    assert counts() == before
