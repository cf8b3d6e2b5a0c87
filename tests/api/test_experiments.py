"""POST /api/v1/projects/<slug>/experiments, and the Idempotency-Key that makes retries safe."""

import datetime
import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from api.models import IdempotencyRecord
from api.services import idempotency_records_purge
from lifecycle.models import Experiment, Reading, Timebox
from lifecycle.weeks import week_label, week_start

from .conftest import url

pytestmark = pytest.mark.django_db

FULL = {
    "week": "2026-W47",
    "title": "Gradient boosting on ticket text",
    "hypothesis": "Text features lift recall.",
    "what_was_done": "Trained on 3 months of tickets.",
    "result": "Recall 0.52.",
    "outcome": "supported",
    "links": ["https://mlflow.example.com/runs/42"],
    "readings": [{"criterion": "Recall", "value": 0.52, "at": "2026-11-20T14:00:00Z"}],
    "likelihood": 65,
    "likelihood_reason": "First lift over baseline.",
}


def test_an_editor_adds_an_experiment_with_readings_and_likelihood(api_as, editor, project, recall):
    response = api_as(editor).post(url(project, "/experiments"), FULL)
    assert response.status_code == 201
    body = response.json()
    experiment = Experiment.objects.get()
    assert body == {
        "id": experiment.pk,
        "week": "2026-W47",
        "position": 1,
        "title": "Gradient boosting on ticket text",
        "hypothesis": "Text features lift recall.",
        "what_was_done": "Trained on 3 months of tickets.",
        "result": "Recall 0.52.",
        "outcome": "supported",
        "links": ["https://mlflow.example.com/runs/42"],
        "created_at": body["created_at"],
        "readings": [
            {
                "criterion": "Recall",
                "value": 0.52,
                "at": "2026-11-20T14:00:00Z",
                "source": "experiment",
            }
        ],
    }
    assert experiment.created_by == editor
    assert Reading.objects.get().experiment == experiment
    timebox = Timebox.objects.get(project=project)
    assert (timebox.week, timebox.likelihood) == ("2026-W47", 65)
    assert timebox.likelihood_reason == "First lift over baseline."


def test_only_a_title_is_needed_and_the_week_defaults_to_this_week(api_as, editor, project):
    response = api_as(editor).post(url(project, "/experiments"), {"title": "Try it"})
    assert response.status_code == 201
    body = response.json()
    assert body["week"] == week_label(week_start(timezone.localdate()))
    assert body["outcome"] == "planned"
    assert body["readings"] == [] and body["links"] == []


def test_experiments_of_a_week_are_numbered_in_order(api_as, editor, project):
    api = api_as(editor)
    positions = [
        api.post(url(project, "/experiments"), {"title": t, "week": "2026-W47"}).json()["position"]
        for t in ("A", "B", "C")
    ]
    assert positions == [1, 2, 3]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"week": "2026-W99"}, "2026 has weeks 1 to 53; week 99 does not exist."),
        ({"week": "next week"}, 'write it as YYYY-Www, for example "2026-W47"'),
        ({"readings": [{"criterion": "Precision", "value": 1}]}, "Unknown criterion 'Precision'"),
        ({"readings": [{"criterion": "Recall", "value": "high"}]}, "readings[0].value"),
        ({"outcome": "great"}, "outcome"),
        ({"likelihood": 101}, "likelihood"),
        ({"title": ""}, "title"),
        ({"links": ["mlflow/run/42"]}, "https://"),
        (
            {"readings": [{"criterion": "Recall", "value": 1, "at": "2026-11-20T14:00"}]},
            "time zone",
        ),
    ],
)
def test_a_bad_experiment_is_a_422_that_says_what_to_change_and_adds_nothing(
    api_as, editor, project, recall, change, message
):
    response = api_as(editor).post(url(project, "/experiments"), {**FULL, **change})
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not Experiment.objects.exists()
    assert not Reading.objects.exists()


def test_a_viewer_may_not_add_an_experiment(api_as, viewer, project):
    response = api_as(viewer).post(url(project, "/experiments"), {"title": "x"})
    assert response.status_code == 403
    assert not Experiment.objects.exists()


def test_anonymous_gets_401_when_adding_an_experiment(anonymous_api, project):
    assert anonymous_api.post(url(project, "/experiments"), {"title": "x"}).status_code == 401
    assert not Experiment.objects.exists()


# Idempotency-Key ----------------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_first_response_and_adds_nothing(
    api_as, editor, project, recall
):
    api = api_as(editor)
    first = api.post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "run-42"})
    again = api.post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "run-42"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Experiment.objects.count() == 1
    assert Reading.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api_as, editor, project, recall):
    api = api_as(editor)
    api.post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "run-42"})
    response = api.post(
        url(project, "/experiments"), {**FULL, "title": "Other"}, **{"Idempotency-Key": "run-42"}
    )
    assert response.status_code == 422
    assert "Idempotency-Key was already used for a different request" in response.json()["detail"]
    assert Experiment.objects.count() == 1


def test_without_a_key_each_post_adds_an_experiment(api_as, editor, project, recall):
    api = api_as(editor)
    api.post(url(project, "/experiments"), FULL)
    api.post(url(project, "/experiments"), FULL)
    assert Experiment.objects.count() == 2


def test_keys_belong_to_their_user(api_as, editor, owner, project, recall):
    api_as(editor).post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "k"})
    response = api_as(owner).post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "k"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Experiment.objects.count() == 2


def test_keys_belong_to_their_endpoint(api_as, editor, owner, team, project):
    from tests.factories import make_project

    other = make_project(team, owner, name="Other project")
    api = api_as(editor)
    api.post(url(project, "/experiments"), {"title": "x"}, **{"Idempotency-Key": "k"})
    api.post(url(other, "/experiments"), {"title": "x"}, **{"Idempotency-Key": "k"})
    assert Experiment.objects.count() == 2


def test_a_failed_request_is_not_remembered(api_as, editor, project, recall):
    api = api_as(editor)
    bad = {**FULL, "readings": [{"criterion": "Nope", "value": 1}]}
    assert (
        api.post(url(project, "/experiments"), bad, **{"Idempotency-Key": "k"}).status_code == 422
    )
    assert not IdempotencyRecord.objects.exists()
    assert (
        api.post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "k"}).status_code == 201
    )


def test_a_key_expires_after_24_hours(api_as, editor, project, recall):
    api = api_as(editor)
    api.post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "k"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    response = api.post(url(project, "/experiments"), FULL, **{"Idempotency-Key": "k"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Experiment.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_purging_deletes_only_expired_records(api_as, editor, project):
    api = api_as(editor)
    api.post(url(project, "/experiments"), {"title": "a"}, **{"Idempotency-Key": "old"})
    api.post(url(project, "/experiments"), {"title": "b"}, **{"Idempotency-Key": "new"})
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "tab\tkey"])
def test_a_malformed_key_is_a_400(api_as, editor, project, key):
    response = api_as(editor).post(
        url(project, "/experiments"), {"title": "x"}, **{"Idempotency-Key": key}
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Experiment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_key_add_one_experiment(api_as, editor, project, recall):
    """The second request waits on the first's claim of the key, then replays its answer."""
    import api.projects

    api_client = api_as(editor)
    first_is_working = threading.Event()
    real_experiment_add = api.projects.experiment_add

    def slow_experiment_add(**kwargs):
        experiment = real_experiment_add(**kwargs)
        if not first_is_working.is_set():
            first_is_working.set()
            time.sleep(0.5)  # hold the transaction open while the duplicate arrives
        return experiment

    responses = {}

    def post(name):
        try:
            responses[name] = api_client.post(
                url(project, "/experiments"), FULL, **{"Idempotency-Key": "same"}
            )
        finally:
            connection.close()

    with mock.patch.object(api.projects, "experiment_add", slow_experiment_add):
        first = threading.Thread(target=post, args=("first",))
        first.start()
        assert first_is_working.wait(5)
        second = threading.Thread(target=post, args=("second",))
        second.start()
        first.join(10)
        second.join(10)

    assert responses["first"].status_code == responses["second"].status_code == 201
    assert responses["second"].json() == responses["first"].json()
    assert responses["second"]["Idempotent-Replayed"] == "true"
    assert Experiment.objects.count() == 1
    assert Reading.objects.count() == 1


def test_a_week_before_year_one_is_a_422_not_a_crash(api_as, editor, project):
    """Found by the fuzzer: "0000-W01" crashed the week parser (500)."""
    response = api_as(editor).post(url(project, "/experiments"), {"title": "x", "week": "0000-W01"})
    assert response.status_code == 422
    assert "years start at 1" in response.json()["detail"]
    assert not Experiment.objects.exists()


def test_a_whole_number_written_with_a_decimal_point_is_an_integer(api_as, editor, project):
    """JSON Schema (and so the API's schema) counts 40.0 as an integer; "40" and true are not."""
    api = api_as(editor)
    body = {"title": "x", "likelihood": 40.0}
    assert api.post(url(project, "/experiments"), body).json()["id"]
    for wrong in ("40", True, 40.5):
        response = api.post(url(project, "/experiments"), {"title": "x", "likelihood": wrong})
        assert response.status_code == 422, wrong
    assert Experiment.objects.count() == 1
