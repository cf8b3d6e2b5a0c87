"""Live traffic over the API: an upload sent with `live_of`."""

import numpy as np
import pytest

from demos.models import Dataset, Example, UploadJob
from demos.services import demo_create
from demos.services.live import dataset_mark_live
from tests.demos.test_views_access import make_dataset

from .test_demos import upload

pytestmark = pytest.mark.django_db

RNG = np.random.default_rng(5)


def scores_csv(scores) -> bytes:
    rows = "".join(f"p{i},{score:.4f}\n" for i, score in enumerate(scores))
    return ("id,score\n" + rows).encode()


SHIFTED = scores_csv(RNG.beta(5, 2, 300))  # production scores far from v3's


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(project, owner):
    return demo_create(project=project, title="Which tickets are urgent?", by=owner)


@pytest.fixture
def v3(demo):
    return make_dataset(demo, RNG.beta(2, 5, 400).tolist(), version="v3")


@pytest.fixture
def production(demo):
    return make_dataset(demo, RNG.beta(5, 2, 300).tolist(), version="prod-week-48")


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def counts() -> tuple[int, int, int]:
    return UploadJob.objects.count(), Dataset.objects.count(), Example.objects.count()


# Uploading live traffic ------------------------------------------------------------------------


def test_an_upload_with_live_of_is_marked_with_its_drift(api_as, editor, demo, v3, run_tasks):
    api = api_as(editor)
    with run_tasks():
        response = upload(api, demo, SHIFTED, model_version="prod-week-48", live_of="v3")
    assert response.status_code == 202, response.content
    dataset = Dataset.objects.get(model_version="prod-week-48")
    assert dataset.live_of == v3 and dataset.drift_level == "significant"
    assert dataset.drift_psi > 0.25 and len(dataset.drift_bins) == 10

    body = api.get(response.json()["job_url"]).json()
    assert body["status"] == "succeeded" and body["warnings"] == []
    assert body["dataset"] == {"id": dataset.pk, "model_version": "prod-week-48", "rows": 300}
    live = body["live"]
    assert (live["live_of"], live["state"]) == ("v3", "marked")
    assert live["message"] == (
        f"Marked as live traffic of v3 (drift: significant, PSI {dataset.drift_psi:.3f})."
    )
    assert live["drift"]["psi"] == dataset.drift_psi
    assert live["drift"]["level"] == "significant"
    assert live["drift"]["words"].startswith("Significant drift (PSI ")
    assert live["drift"]["checked_at"]


def test_a_queued_live_upload_says_it_will_be_marked(api_as, editor, demo, v3):
    api = api_as(editor)
    response = upload(api, demo, SHIFTED, model_version="prod-week-48", live_of="v3")
    body = api.get(response.json()["job_url"]).json()
    assert body["status"] == "queued"
    assert body["live"] == {
        "live_of": "v3",
        "state": "pending",
        "message": "Will be marked as live traffic of v3.",
        "drift": None,
    }


def test_an_unknown_live_of_is_a_422_naming_the_versions_and_stores_nothing(
    api_as, editor, demo, v3
):
    make_dataset(demo, [0.2, 0.7], version="v4")
    before = counts()
    response = upload(api_as(editor), demo, SHIFTED, model_version="prod-week-48", live_of="v9")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == (
        "live_of: This demo has no model version “v9”. Live traffic can be compared with “v4” "
        "or “v3”; name one of them."
    )
    assert body["errors"][0]["loc"] == ["form", "live_of"]
    assert counts() == before


def test_live_traffic_itself_cannot_serve_an_upload(api_as, editor, demo, v3, production):
    dataset_mark_live(dataset=production, reference=v3)
    before = counts()
    response = upload(api_as(editor), demo, SHIFTED, model_version="w49", live_of="prod-week-48")
    assert response.status_code == 422
    assert "“prod-week-48” is live traffic itself" in response.json()["detail"]
    assert counts() == before


def test_a_version_changed_before_the_job_ran_leaves_a_warning(
    api_as, editor, demo, v3, production, django_capture_on_commit_callbacks
):
    api = api_as(editor)
    with django_capture_on_commit_callbacks() as queued:
        response = upload(api, demo, SHIFTED, model_version="prod-week-49", live_of="v3")
    assert response.status_code == 202
    v3.delete()  # someone removes v3 before the worker gets to the job
    for send in queued:
        send()
    body = api.get(response.json()["job_url"]).json()
    dataset = Dataset.objects.get(model_version="prod-week-49")
    assert body["status"] == "succeeded" and body["error"] == "" and body["problems"] == []
    assert body["dataset"]["rows"] == 300 and dataset.live_of_id is None
    [warning] = body["warnings"]
    assert warning["column"] == "live_of" and warning["rows"] == []
    assert warning["message"].startswith(
        "Stored, but not marked as live traffic of v3: This demo has no model version “v3”."
    )
    assert f"PUT /api/v1/demos/{demo.pk}/datasets/{dataset.pk}/live" in warning["message"]
    assert body["live"] == {
        "live_of": "v3",
        "state": "refused",
        "message": warning["message"],
        "drift": None,
    }


def test_a_live_upload_is_safe_to_retry_with_a_key(api_as, editor, demo, v3, run_tasks):
    api = api_as(editor)
    key = {"Idempotency-Key": "live-week-48"}
    fields = {"model_version": "prod-week-48", "live_of": "v3"}
    with run_tasks():
        first = upload(api, demo, SHIFTED, headers=key, **fields)
    again = upload(api, demo, SHIFTED, headers=key, **fields)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert UploadJob.objects.count() == 1 and Dataset.objects.count() == 2


def test_the_key_names_the_live_of_it_was_sent_with(api_as, editor, demo, v3, run_tasks):
    make_dataset(demo, [0.2, 0.7], version="v4")
    api = api_as(editor)
    key = {"Idempotency-Key": "live-week-48"}
    with run_tasks():
        first = upload(api, demo, SHIFTED, headers=key, model_version="w48", live_of="v3")
    assert first.status_code == 202
    for other in ({"live_of": "v4"}, {}):
        response = upload(api, demo, SHIFTED, headers=key, model_version="w48", **other)
        assert response.status_code == 422
        assert "already used for a different request" in response.json()["detail"]
    assert UploadJob.objects.count() == 1


def test_a_refused_live_of_does_not_use_up_the_key(api_as, editor, demo, v3, run_tasks):
    api = api_as(editor)
    key = {"Idempotency-Key": "live-week-48"}
    refused = upload(api, demo, SHIFTED, headers=key, model_version="w48", live_of="v9")
    assert refused.status_code == 422
    with run_tasks():
        accepted = upload(api, demo, SHIFTED, headers=key, model_version="w48", live_of="v3")
    assert accepted.status_code == 202
    assert Dataset.objects.get(model_version="w48").live_of == v3
