"""Live traffic over the API: an upload sent with `live_of`, and marking or unmarking an existing
dataset (PUT and DELETE /api/v1/demos/<id>/datasets/<id>/live)."""

import numpy as np
import pytest

from demos.models import Dataset, Example, UploadJob
from demos.services import demo_create
from demos.services.live import dataset_mark_live
from tests.factories import make_dataset

from .test_demos import upload

pytestmark = pytest.mark.django_db

RNG = np.random.default_rng(5)


def scores_csv(scores) -> bytes:
    rows = "".join(f"p{i},{score:.4f}\n" for i, score in enumerate(scores))
    return ("id,score\n" + rows).encode()


SHIFTED = scores_csv(RNG.beta(5, 2, 300))  # production scores far from v3's


@pytest.fixture
def v3(demo):
    return make_dataset(demo, RNG.beta(2, 5, 400).tolist(), version="v3")


@pytest.fixture
def production(demo):
    return make_dataset(demo, RNG.beta(5, 2, 300).tolist(), version="prod-week-48")


def counts() -> tuple[int, int, int]:
    return UploadJob.objects.count(), Dataset.objects.count(), Example.objects.count()


def live_url(demo, dataset) -> str:
    return f"/api/v1/demos/{demo.pk}/datasets/{dataset.pk}/live"


def live_state(dataset) -> tuple:
    dataset.refresh_from_db()
    return dataset.live_of_id, dataset.drift_psi, dataset.drift_level


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


# Marking and unmarking an existing dataset --------------------------------------------------


def test_an_editor_marks_a_dataset_as_live_traffic(api_as, editor, demo, v3, production):
    response = api_as(editor).send("PUT", live_url(demo, production), {"live_of": "v3"})
    assert response.status_code == 200, response.content
    production.refresh_from_db()
    body = response.json()
    assert body == {
        "id": production.pk,
        "model_version": "prod-week-48",
        "rows": 300,
        "live_of": "v3",
        "drift": {
            "psi": production.drift_psi,
            "level": "significant",
            "words": body["drift"]["words"],
            "checked_at": body["drift"]["checked_at"],
        },
    }
    assert production.live_of == v3 and production.drift_psi > 0.25
    assert body["drift"]["words"].startswith(
        f"Significant drift (PSI {production.drift_psi:.3f}): live scores are spread "
        "differently from what model v3 was shown"
    )


def test_marking_again_with_another_version_replaces_the_first(
    api_as, editor, demo, v3, production
):
    api = api_as(editor)
    similar = make_dataset(demo, RNG.beta(5, 2, 300).tolist(), version="v4")
    assert api.send("PUT", live_url(demo, production), {"live_of": "v3"}).status_code == 200
    response = api.send("PUT", live_url(demo, production), {"live_of": " v4 "})
    assert response.status_code == 200
    assert (response.json()["live_of"], response.json()["drift"]["level"]) == ("v4", "stable")
    assert live_state(production)[0] == similar.pk


def test_an_editor_unmarks_live_traffic(api_as, editor, demo, v3, production):
    dataset_mark_live(dataset=production, reference=v3)
    response = api_as(editor).send("DELETE", live_url(demo, production))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": production.pk,
        "model_version": "prod-week-48",
        "rows": 300,
        "live_of": None,
        "drift": None,
    }
    assert live_state(production) == (None, None, "")


def test_unmarking_a_dataset_that_is_not_live_changes_nothing(api_as, editor, demo, v3):
    response = api_as(editor).send("DELETE", live_url(demo, v3))
    assert response.status_code == 200
    assert response.json()["live_of"] is None and live_state(v3) == (None, None, "")


@pytest.mark.parametrize(
    "role, status",
    [("outsider", 404), ("viewer", 403), ("manager", 403), ("editor", 200), ("owner", 200)],
)
def test_who_may_mark_live_traffic(api_as, demo, v3, production, role, status, request):
    api = api_as(request.getfixturevalue(role))
    response = api.send("PUT", live_url(demo, production), {"live_of": "v3"})
    assert response.status_code == status, response.content
    marked = status == 200
    assert (live_state(production)[0] == v3.pk) is marked
    if not marked:
        assert response.json()["detail"]


@pytest.mark.parametrize(
    "role, status",
    [("outsider", 404), ("viewer", 403), ("manager", 403), ("editor", 200), ("owner", 200)],
)
def test_who_may_unmark_live_traffic(api_as, demo, v3, production, role, status, request):
    dataset_mark_live(dataset=production, reference=v3)
    response = api_as(request.getfixturevalue(role)).send("DELETE", live_url(demo, production))
    assert response.status_code == status, response.content
    assert (live_state(production)[0] is None) is (status == 200)


def test_anonymous_gets_401_and_nothing_changes(anonymous_api, demo, v3, production):
    dataset_mark_live(dataset=production, reference=v3)
    assert anonymous_api.send("PUT", live_url(demo, v3), {"live_of": "v3"}).status_code == 401
    assert anonymous_api.send("DELETE", live_url(demo, production)).status_code == 401
    assert live_state(production)[0] == v3.pk and live_state(v3)[0] is None


def _multiclass(demo):
    return make_dataset(demo, [0.7, 0.8], version="mc", classes=["a", "b"], top=["a", "b"])


BAD_CHOICES = {
    "unknown": (lambda demo, v3, prod: "v9", "This demo has no model version “v9”"),
    "itself": (lambda demo, v3, prod: "prod-week-48", "cannot be compared with itself"),
    "live itself": (
        lambda demo, v3, prod: _marked_other(demo, v3),
        "“prod-week-47” is live traffic itself",
    ),
    "another kind": (lambda demo, v3, prod: _multiclass(demo).model_version, "of the same kind"),
}


def _marked_other(demo, v3):
    other = make_dataset(demo, [0.4, 0.5], version="prod-week-47")
    dataset_mark_live(dataset=other, reference=v3)
    return other.model_version


@pytest.mark.parametrize("case", BAD_CHOICES)
def test_a_bad_choice_is_a_422_that_says_why(api_as, editor, demo, v3, production, case):
    choose, reason = BAD_CHOICES[case]
    live_of = choose(demo, v3, production)
    response = api_as(editor).send("PUT", live_url(demo, production), {"live_of": live_of})
    assert response.status_code == 422, response.content
    assert reason in response.json()["detail"]
    assert live_state(production) == (None, None, "")


@pytest.mark.parametrize(
    "body, where",
    [({}, "live_of"), ({"live_of": "  "}, "live_of"), ({"live_of": "v3", "extra": 1}, "extra")],
)
def test_a_bad_body_is_a_422_naming_the_field(api_as, editor, demo, v3, production, body, where):
    response = api_as(editor).send("PUT", live_url(demo, production), body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(where)
    assert live_state(production)[0] is None


def test_a_dataset_of_another_demo_is_not_found(api_as, editor, owner, demo, v3, project):
    other_demo = demo_create(project=project, title="Another", by=owner)
    theirs = make_dataset(other_demo, [0.3, 0.6], version="v1")
    response = api_as(editor).send("PUT", live_url(demo, theirs), {"live_of": "v3"})
    assert response.status_code == 404
    assert response.json() == {"detail": "No such dataset."}
    response = api_as(editor).send("PUT", live_url(other_demo, theirs), {"live_of": "v3"})
    assert response.status_code == 422  # v3 is a version of the first demo, not of this one
    assert live_state(theirs)[0] is None


@pytest.mark.parametrize("ids", [("0", "1"), ("1", "0"), ("99999999999999999999", "1")])
def test_unknown_ids_are_a_404(api_as, editor, demo, ids):
    demo_id, dataset_id = ids
    response = api_as(editor).send("DELETE", f"/api/v1/demos/{demo_id}/datasets/{dataset_id}/live")
    assert response.status_code == 404


def test_the_live_endpoints_are_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/api/v1/demos/{demo_id}/datasets/{dataset_id}/live"]
    assert operations["put"]["summary"] == "Mark a dataset as live traffic"
    assert operations["delete"]["summary"] == "Unmark live traffic"
    assert "422" in operations["put"]["responses"]
    assert {"403", "404"} <= set(operations["delete"]["responses"])
