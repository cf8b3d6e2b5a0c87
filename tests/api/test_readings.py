"""POST /api/v1/projects/<slug>/readings: a batch of up to 1,000 readings, all or none."""

import datetime

import pytest

from lifecycle.models import Reading
from lifecycle.services.experiment_log import MAX_READINGS_PER_CALL

from ..factories import make_user
from .conftest import url

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_batch_of_readings(api_as, editor, project, recall, minutes):
    body = {
        "readings": [
            {"criterion": "Recall", "value": 0.51, "at": "2026-11-20T14:00:00Z"},
            {"criterion": "recall", "value": 0.53},
            {"criterion": "Handling time", "value": 17, "source": "production"},
        ]
    }
    response = api_as(editor).post(url(project, "/readings"), body)
    assert response.status_code == 201
    assert response.json() == {"created": 3}
    first, second, third = Reading.objects.order_by("id")
    assert first.criterion == recall and first.value == 0.51
    assert first.at == datetime.datetime(2026, 11, 20, 14, tzinfo=datetime.UTC)
    assert second.criterion == recall  # names match case-insensitively, as on the log page
    assert (third.criterion, third.value, third.source) == (minutes, 17.0, "production")
    assert {r.created_by for r in (first, second, third)} == {editor}


@pytest.mark.parametrize("size", [1, 1000])
def test_a_batch_takes_the_same_statements_whatever_its_size(
    api_as, editor, project, recall, django_assert_num_queries, size
):
    api = api_as(editor)
    api.get("/api/v1/projects")  # last_used_at is written now, not in the measured call
    body = {"readings": [{"criterion": "Recall", "value": i / 1000} for i in range(size)]}
    # token with its user, project with the membership, criteria, and the savepoint pair of the
    # all-or-nothing transaction (inside the test's own); the one COPY that stores the batch on
    # PostgreSQL goes past Django's query log
    with django_assert_num_queries(5):
        response = api.post(url(project, "/readings"), body)
    assert response.json() == {"created": size}
    assert Reading.objects.count() == size


def test_more_than_1000_readings_are_refused_with_the_limit(api_as, editor, project, recall):
    body = {"readings": [{"criterion": "Recall", "value": 1}] * (MAX_READINGS_PER_CALL + 1)}
    response = api_as(editor).post(url(project, "/readings"), body)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "1001 readings in one call; send at most 1000 and split the rest into "
        "further calls."
    }
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    "reading, message",
    [
        ({"criterion": "Precision", "value": 1}, "Unknown criterion 'Precision'. This project's"),
        (
            {"criterion": "Recall", "value": "0.5"},
            "readings[1].value: Input should be a valid number",
        ),
        ({"criterion": "Recall", "value": "NaN"}, "readings[1].value"),
        ({"criterion": "Recall", "value": True}, "readings[1].value"),
        ({"criterion": "Recall", "value": None}, "readings[1].value"),
        ({"criterion": "Recall"}, "readings[1].value: Field required"),
        ({"criterion": "Recall", "value": 1, "source": "lab"}, "'experiment' or 'production'"),
        ({"criterion": "Recall", "value": 1, "at": "yesterday"}, "readings[1].at"),
        ({"criterion": "Recall", "value": 1, "at": "2026-11-20T14:00:00"}, "time zone"),
        ({"criterion": "Recall", "value": 1, "unit": "%"}, "readings[1].unit"),
    ],
)
def test_one_bad_reading_refuses_the_whole_batch_saying_which(
    api_as, editor, project, recall, reading, message
):
    body = {"readings": [{"criterion": "Recall", "value": 0.5}, reading]}
    response = api_as(editor).post(url(project, "/readings"), body)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not Reading.objects.exists()


def test_validation_errors_give_each_field_location(api_as, editor, project, recall):
    body = {"readings": [{"criterion": "Recall", "value": "x"}, {"value": 1}]}
    errors = api_as(editor).post(url(project, "/readings"), body).json()["errors"]
    assert [e["loc"] for e in errors] == [
        ["body", "readings", 0, "value"],
        ["body", "readings", 1, "criterion"],
    ]


def test_a_viewer_may_not_add_readings(api_as, viewer, project, recall):
    body = {"readings": [{"criterion": "Recall", "value": 1}]}
    assert api_as(viewer).post(url(project, "/readings"), body).status_code == 403
    assert not Reading.objects.exists()


def test_a_superuser_adds_readings_to_any_project(api_as, project, recall):
    root = make_user("root", is_superuser=True, is_staff=True)
    body = {"readings": [{"criterion": "Recall", "value": 1}]}
    assert api_as(root).post(url(project, "/readings"), body).status_code == 201
    assert Reading.objects.get().created_by == root


def test_a_portfolio_manager_reads_but_may_not_add_readings(api_as, manager, project, recall):
    body = {"readings": [{"criterion": "Recall", "value": 1}]}
    assert api_as(manager).get(url(project)).status_code == 200
    response = api_as(manager).post(url(project, "/readings"), body)
    assert response.status_code == 403
    assert not Reading.objects.exists()


def test_readings_for_an_unknown_project_get_404(api_as, editor, project, recall):
    body = {"readings": [{"criterion": "Recall", "value": 1}]}
    response = api_as(editor).post("/api/v1/projects/no-such-project/readings", body)
    assert response.status_code == 404


def test_a_deactivated_users_token_stops_working(api_as, editor, project, recall):
    api = api_as(editor)
    editor.is_active = False
    editor.save()
    body = {"readings": [{"criterion": "Recall", "value": 1}]}
    response = api.post(url(project, "/readings"), body)
    assert response.status_code == 401
    assert not Reading.objects.exists()
