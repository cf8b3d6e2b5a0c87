"""Demos over the API: create one, upload model outputs (multipart), follow the job."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demos.models import Dataset, Demo, Example, UploadJob
from demos.services import demo_create

from .conftest import url
from .test_errors import GARBAGE

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    b"id,score,title,text\n"
    b"t1,0.91,Printer on fire,Smoke from tray 2\n"
    b"t2,0.55,Password reset,Cannot log in\n"
    b"t3,0.12,Newsletter,Please unsubscribe me\n"
)


def datasets_url(demo) -> str:
    return f"/api/v1/demos/{demo.pk}/datasets"


def upload(api, demo, content=GOOD_CSV, name="outputs.csv", headers=None, **fields):
    """POST a multipart upload; `fields` default to model_version=v1."""
    data = {"model_version": "v1", **fields}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    data = {key: value for key, value in data.items() if value is not None}
    return api.client.post(datasets_url(demo), data, headers=api._headers(headers or {}))


# Creating a demo -----------------------------------------------------------------------------


def test_an_editor_creates_a_demo(api_as, editor, project):
    response = api_as(editor).post(
        url(project, "/demos"),
        {"title": "Which customers will leave?", "intro": "Judge each **customer**."},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    demo = Demo.objects.get()
    assert body["id"] == demo.pk and demo.project == project and demo.created_by == editor
    assert body["title"] == "Which customers will leave?"
    assert body["intro"] == "Judge each **customer**."
    assert body["scale"]["kind"] == "bands" and body["scale"]["version"] == 1
    assert body["scale"]["bands"][0] == {
        "label": "Strong match",
        "colour": "#1f7a4d",
        "description": "The model is quite sure this fits.",
        "min": 0.8,
    }


@pytest.mark.parametrize("kind, bands", [("stars", 5), ("traffic_light", 3)])
def test_a_demo_takes_the_preset_of_its_scale(api_as, editor, project, kind, bands):
    response = api_as(editor).post(url(project, "/demos"), {"title": "T", "scale": kind})
    assert response.status_code == 201
    scale = response.json()["scale"]
    assert scale["kind"] == kind and len(scale["bands"]) == bands
    assert scale["bands"][-1]["min"] == 0


@pytest.mark.parametrize(
    "body, where",
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 161}, "title"),
        ({"title": "T", "scale": "emoji"}, "scale"),
        ({"title": "T", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_demo_is_a_422_naming_the_field(api_as, editor, project, body, where):
    response = api_as(editor).post(url(project, "/demos"), body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(where)
    assert not Demo.objects.exists()


def test_creating_a_demo_is_safe_to_retry_with_a_key(api_as, editor, project):
    api = api_as(editor)
    first = api.post(url(project, "/demos"), {"title": "T"}, **{"Idempotency-Key": "k1"})
    again = api.post(url(project, "/demos"), {"title": "T"}, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Demo.objects.count() == 1


def test_the_project_read_lists_its_demos(api_as, viewer, owner, project):
    assert api_as(viewer).get(url(project)).json()["demos"] == []
    first = demo_create(project=project, title="First", by=owner)
    second = demo_create(project=project, title="Second", by=owner)
    demos = api_as(viewer).get(url(project)).json()["demos"]
    assert sorted(demos, key=lambda d: d["id"]) == [
        {"id": first.pk, "title": "First"},
        {"id": second.pk, "title": "Second"},
    ]


def test_the_project_read_costs_one_query_more_with_demos(
    api_as, viewer, owner, project, django_assert_num_queries
):
    api = api_as(viewer)
    api.get(url(project))  # the token's last_used_at is written once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        api.get(url(project))
    for n in range(3):
        demo_create(project=project, title=f"Demo {n}", by=owner)
    with django_assert_num_queries(len(without)):
        api.get(url(project))


# Uploading -----------------------------------------------------------------------------------


def test_an_upload_answers_202_and_the_job_tells_how_it_went(api_as, editor, demo, run_tasks):
    api = api_as(editor)
    with run_tasks():
        response = upload(api, demo, display_columns="title, text")
    assert response.status_code == 202, response.content
    job = UploadJob.objects.get()
    assert response.json() == {
        "job_id": job.pk,
        "job_url": f"http://testserver/api/v1/jobs/{job.pk}",
    }
    assert response["Location"] == response.json()["job_url"]

    body = api.get(response.json()["job_url"]).json()
    dataset = Dataset.objects.get()
    assert body == {
        "id": job.pk,
        "status": "succeeded",
        "progress": 100,
        "error": "",
        "problems": [],
        "dataset": {"id": dataset.pk, "model_version": "v1", "rows": 3},
        "warnings": [],
        "live": None,
    }
    assert dataset.ready and dataset.display_columns == ["title", "text"]
    assert dataset.created_by == editor


def test_columns_named_id_and_score_need_no_mapping(api_as, editor, demo, run_tasks):
    with run_tasks():
        response = upload(api_as(editor), demo)
    assert response.status_code == 202
    dataset = Dataset.objects.get()
    assert dataset.display_columns == []  # none unless named
    assert list(dataset.examples.values_list("external_id", "score", "fields"))[0] == (
        "t1",
        0.91,
        {},
    )


def test_other_column_names_are_mapped(api_as, editor, demo, run_tasks):
    content = b"ticket,p_urgent,subject\nA-1,0.7,VPN down\nA-2,0.2,Lunch menu\n"
    with run_tasks():
        response = upload(
            api_as(editor),
            demo,
            content,
            id_column="ticket",
            score_column="p_urgent",
            display_columns="subject",
        )
    assert response.status_code == 202
    rows = list(Example.objects.values_list("external_id", "score", "fields"))
    assert rows == [("A-1", 0.7, {"subject": "VPN down"}), ("A-2", 0.2, {"subject": "Lunch menu"})]


def test_a_multi_class_upload_names_its_class_columns(api_as, editor, demo, run_tasks):
    content = b"id,billing,outage,spam,text\na,0.1,0.85,0.05,x\nb,0.6,0.3,0.1,y\n"
    with run_tasks():
        response = upload(
            api_as(editor),
            demo,
            content,
            class_columns="billing,outage,spam",
            display_columns="text",
        )
    assert response.status_code == 202
    dataset = Dataset.objects.get()
    assert dataset.classes == ["billing", "outage", "spam"]
    assert list(dataset.examples.values_list("top_class", flat=True)) == ["outage", "billing"]


def test_json_lines_are_accepted(api_as, editor, demo, run_tasks):
    content = b'{"id": 7, "score": 0.8}\n{"id": 8, "score": 0.2}\n'
    with run_tasks():
        response = upload(api_as(editor), demo, content, name="outputs.jsonl")
    assert response.status_code == 202
    assert Dataset.objects.get().row_count == 2


def test_a_bad_file_makes_a_failed_job_with_its_problems(api_as, editor, demo, run_tasks):
    api = api_as(editor)
    with run_tasks():
        response = upload(api, demo, b"id,score\nt1,0.9\nt2,high\nt3,1.7\n")
    assert response.status_code == 202
    body = api.get(response.json()["job_url"]).json()
    assert body["status"] == "failed" and body["dataset"] is None
    assert body["error"].startswith("2 problems")
    assert body["problems"] == [
        {
            "message": "“score” must be a number from 0 to 1; line 3 hold 'high'.",
            "column": "score",
            "rows": [3],
        },
        {
            "message": "“score” must be between 0 and 1 (a probability); line 4 hold 1.7. "
            "Rescale the scores first.",
            "column": "score",
            "rows": [4],
        },
    ]
    assert not Dataset.objects.exists()


def test_a_missing_column_is_reported_by_the_job(api_as, editor, demo, run_tasks):
    api = api_as(editor)
    with run_tasks():
        response = upload(api, demo, b"id,prob\nt1,0.9\n")
    body = api.get(response.json()["job_url"]).json()
    assert body["status"] == "failed"
    assert body["problems"][0]["column"] == "score"
    assert "Missing column “score”" in body["error"]


@pytest.mark.parametrize(
    "content, fields, where, fragment",
    [
        (None, {}, "file", "multipart file part named `file`"),
        (GOOD_CSV, {"model_version": None}, "model_version", "Name this model version"),
        (GOOD_CSV, {"model_version": "  "}, "model_version", "Name this model version"),
        (GOOD_CSV, {"model_version": "v" * 81}, "model_version", "at most 80"),
        (b"", {}, "file", "empty"),
        (GOOD_CSV, {"score_column": ""}, "score_column", "Name the score column"),
        (GOOD_CSV, {"class_columns": "only_one"}, "class_columns", "two class columns"),
        (GOOD_CSV, {"id_column": ""}, "id_column", "required"),
        (GOOD_CSV, {"model_version": "a\x00b"}, "model_version", "Null characters"),
    ],
)
def test_a_bad_upload_form_is_a_422_that_names_the_field(
    api_as, editor, demo, content, fields, where, fragment
):
    response = upload(api_as(editor), demo, content, **fields)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"].startswith(f"{where}: ")
    assert fragment in body["detail"]
    assert body["errors"][0]["loc"] == ["form", where]
    assert not UploadJob.objects.exists()


def test_without_file_and_version_both_are_named(api_as, editor, demo):
    response = upload(api_as(editor), demo, None, model_version=None)
    assert response.status_code == 422
    assert {e["loc"][1] for e in response.json()["errors"]} == {"file", "model_version"}


@pytest.mark.parametrize(
    "name, content, what",
    [
        ("outputs.xlsx", b"id,score\na,0.5\n", "a .xlsx file"),
        ("outputs.csv", b"PK\x03\x04rest-of-a-workbook", "a zip archive or an Excel workbook"),
        ("scores.csv", b"\x89PNG\r\n\x1a\n....", "a PNG image"),
        ("outputs.parquet", b"PAR1....", "a Parquet file"),
    ],
)
def test_a_file_that_is_not_a_table_is_a_415(api_as, editor, demo, name, content, what):
    response = upload(api_as(editor), demo, content, name=name)
    assert response.status_code == 415
    detail = response.json()["detail"]
    assert f"“{name}” looks like {what}" in detail and "CSV" in detail
    assert not UploadJob.objects.exists()


def test_a_json_body_is_a_415_that_says_how_to_send_it(api_as, editor, demo):
    response = api_as(editor).post(datasets_url(demo), {"model_version": "v1"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


def test_a_file_over_the_limit_is_a_413_naming_the_limit(api_as, editor, demo, settings):
    settings.DEMO_MAX_UPLOAD_BYTES = 30
    response = upload(api_as(editor), demo)
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "the limit is 30 bytes" in detail and "Split it" in detail
    assert not UploadJob.objects.exists()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(api_as, editor, demo, settings):
    settings.DEMO_MAX_UPLOAD_BYTES = 1_000_000
    content = b"id,score\n" + b"x,0.5\n" * 200_000  # 1.2 MB
    response = upload(api_as(editor), demo, content)
    assert response.status_code == 413
    assert "the limit is 1 MB" in response.json()["detail"]


def test_an_existing_model_version_is_a_409(api_as, editor, demo, run_tasks):
    api = api_as(editor)
    with run_tasks():
        assert upload(api, demo, model_version="v1").status_code == 202
    response = upload(api, demo, model_version="v1")
    assert response.status_code == 409
    assert "already has outputs of “v1”" in response.json()["detail"]
    assert UploadJob.objects.count() == 1


def test_an_upload_is_safe_to_retry_with_a_key(api_as, editor, demo, run_tasks):
    api = api_as(editor)
    key = {"Idempotency-Key": "upload-1"}
    with run_tasks():
        first = upload(api, demo, headers=key)
    again = upload(api, demo, headers=key)  # the version exists now, but this is a replay
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert UploadJob.objects.count() == 1 and Example.objects.count() == 3

    other_file = upload(api, demo, GOOD_CSV.replace(b"0.91", b"0.92"), headers=key)
    assert other_file.status_code == 422
    assert "already used for a different request" in other_file.json()["detail"]


def test_a_refused_upload_does_not_use_up_its_key(api_as, editor, demo, run_tasks):
    api = api_as(editor)
    key = {"Idempotency-Key": "upload-2"}
    assert upload(api, demo, None, headers=key).status_code == 422
    with run_tasks():
        assert upload(api, demo, headers=key).status_code == 202


@pytest.mark.parametrize("demo_id", ["0", "-1", "99999999999999999999", "999999"])
def test_an_unknown_demo_is_a_404(api_as, editor, demo_id):
    response = api_as(editor).client.post(
        f"/api/v1/demos/{demo_id}/datasets",
        {"model_version": "v1"},
        headers=api_as(editor)._headers({}),
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No such demo."}


# Jobs ----------------------------------------------------------------------------------------


def test_a_reader_follows_a_queued_job(api_as, viewer, editor, demo):
    job_url = upload(api_as(editor), demo).json()["job_url"]
    queued = api_as(viewer).get(job_url).json()
    assert queued["status"] == "queued" and queued["progress"] == 0 and queued["dataset"] is None


@pytest.mark.parametrize("job_id", ["0", "999999", "99999999999999999999"])
def test_an_unknown_job_is_a_404(api_as, editor, job_id):
    response = api_as(editor).get(f"/api/v1/jobs/{job_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such job."}


# Whatever arrives, a 4xx with a detail ----------------------------------------------------------


@pytest.mark.parametrize("body", GARBAGE, ids=lambda b: repr(b[:40]))
def test_garbage_demo_bodies_get_a_4xx(api_as, editor, project, body):
    response = api_as(editor).send("POST", url(project, "/demos"), raw=body)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["detail"]
    assert not Demo.objects.exists()


@pytest.mark.parametrize("body", GARBAGE[:12], ids=lambda b: repr(b[:40]))
@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "application/json",
        "text/csv",
        "application/x-www-form-urlencoded",
    ],
)
def test_garbage_upload_bodies_get_a_4xx(api_as, editor, demo, body, content_type):
    response = api_as(editor).send("POST", datasets_url(demo), raw=body, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["detail"]
    assert not UploadJob.objects.exists()


def test_a_truncated_multipart_body_gets_a_4xx(api_as, editor, demo):
    body = (
        b'--B\r\nContent-Disposition: form-data; name="model_version"\r\n\r\nv1\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="o.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nid,score\na,0."
    )
    response = api_as(editor).send(
        "POST", datasets_url(demo), raw=body, content_type="multipart/form-data; boundary=B"
    )
    assert 400 <= response.status_code < 500, response.content[:300]
    assert not UploadJob.objects.exists()


def test_an_unknown_upload_field_is_a_422_naming_it(api_as, editor, demo):
    """A typo must not upload quietly with the default column (found by the fuzzer: the schema
    said no other fields, the API took them)."""
    response = upload(api_as(editor), demo, score_colum="confidence")
    assert response.status_code == 422
    assert "score_colum" in response.json()["detail"]
    assert response.json()["errors"] == [
        {"loc": ["form", "score_colum"], "msg": "Unknown field.", "type": "unknown"}
    ]
    assert not UploadJob.objects.exists()
