"""GET /api/v1/projects, GET and PATCH /api/v1/projects/<slug>: the same access as the pages."""

import datetime

import pytest
from django.utils import timezone

from lifecycle.models import Charter
from lifecycle.services.experiment_log import ReadingInput, experiment_add, readings_add
from lifecycle.weeks import parse_week
from tests.factories import make_project, make_team

from .conftest import url

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects"


# The list -----------------------------------------------------------------------------------


def test_the_list_holds_the_projects_of_the_users_teams(api_as, viewer, project, outsider):
    other_team = make_team("Other", members={outsider: "owner"})
    make_project(other_team, outsider, name="Hidden")
    body = api_as(viewer).get(PROJECTS).json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "slug": project.slug,
            "name": "Churn prediction",
            "team": {"slug": "growth", "name": "Growth"},
            "stage": "ideation",
            "status": "active",
            "likelihood": None,
            "last_log_at": None,
        }
    ]


def test_an_outsider_sees_no_projects(api_as, outsider, project):
    assert api_as(outsider).get(PROJECTS).json() == {
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }


def test_a_manager_sees_every_project(api_as, manager, project, outsider):
    make_project(make_team("Other", members={outsider: "owner"}), outsider, name="Another")
    assert api_as(manager).get(PROJECTS).json()["count"] == 2


def test_the_list_shows_the_latest_likelihood_and_last_log(api_as, owner, project):
    experiment_add(
        project=project, week_start=parse_week("2026-W40"), title="Old", by=owner, likelihood=30
    )
    latest = experiment_add(
        project=project, week_start=parse_week("2026-W41"), title="New", by=owner, likelihood=55
    )
    item = api_as(owner).get(PROJECTS).json()["items"][0]
    assert item["likelihood"] == 55
    last_log = datetime.datetime.fromisoformat(item["last_log_at"])
    assert abs(last_log - latest.created_at) < datetime.timedelta(milliseconds=1)


def test_the_list_pages_with_limit_and_offset(api_as, owner, team):
    for n in range(5):
        make_project(team, owner, name=f"Project {n}")
    body = api_as(owner).get(f"{PROJECTS}?limit=2&offset=2").json()
    assert body["count"] == 5
    assert [p["name"] for p in body["items"]] == ["Project 2", "Project 3"]


@pytest.mark.parametrize("query", ["limit=201", "limit=0", "offset=-1", "limit=many"])
def test_a_bad_page_is_a_422_naming_the_parameter(api_as, owner, query):
    response = api_as(owner).get(f"{PROJECTS}?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json()["detail"]


def test_the_list_costs_the_same_queries_for_1_or_12_projects(
    api_as, owner, team, django_assert_num_queries
):
    make_project(team, owner, name="First")
    api = api_as(owner)
    api.get(PROJECTS)  # records last_used_at, so both calls below read only
    # The token, the user's permissions (2, for the manager rule), the count, the page.
    with django_assert_num_queries(5):
        assert len(api.get(PROJECTS).json()["items"]) == 1
    for n in range(11):
        project = make_project(team, owner, name=f"P{n}")
        experiment_add(
            project=project, week_start=parse_week("2026-W41"), title="E", by=owner, likelihood=n
        )
    with django_assert_num_queries(5):
        assert len(api.get(PROJECTS).json()["items"]) == 12


def test_the_list_costs_the_same_for_a_manager(
    api_as, manager, owner, team, django_assert_max_num_queries
):
    for n in range(6):
        make_project(team, owner, name=f"P{n}")
    api = api_as(manager)
    api.get(PROJECTS)
    with django_assert_max_num_queries(5):
        assert api.get(PROJECTS).json()["count"] == 6


# One project --------------------------------------------------------------------------------


def test_reading_a_project(api_as, viewer, owner, project, recall, minutes):
    charter = project.charter
    charter.problem = "Agents lose time."
    charter.save()
    experiment_add(
        project=project,
        week_start=parse_week("2026-W41"),
        title="Baseline",
        by=owner,
        likelihood=40,
        likelihood_reason="baseline is weak",
    )
    at = timezone.now() - datetime.timedelta(days=1)
    readings_add(
        project=project,
        readings=[
            ReadingInput("Recall", 0.42, at - datetime.timedelta(days=1)),
            ReadingInput("Recall", 0.47, at),
        ],
        by=owner,
    )
    response = api_as(viewer).get(url(project))
    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["stage"] == "ideation" and body["status"] == "active"
    assert body["likelihood"] == {"value": 40, "reason": "baseline is weak", "week": "2026-W41"}
    assert body["last_log_at"] is not None
    assert body["criteria"][0] == {
        "name": "Recall",
        "kind": "model",
        "metric": "recall@10",
        "unit": "",
        "baseline": 0.4,
        "target": 0.6,
        "direction": "higher",
        "latest": {"value": 0.47, "at": body["criteria"][0]["latest"]["at"]},
    }
    assert body["criteria"][0]["latest"]["at"].startswith(at.strftime("%Y-%m-%dT%H:%M"))
    assert body["criteria"][1]["name"] == "Handling time"
    assert body["criteria"][1]["latest"] is None
    assert body["charter"] == {
        "version": 1,
        "problem": "Agents lose time.",
        "audience": "",
        "value": "",
        "behaviour_change": "",
        "delivery": "",
        "constraints": "",
    }


def test_an_unknown_project_is_a_404(api_as, owner):
    assert api_as(owner).get("/api/v1/projects/nope").json() == {"detail": "No such project."}


# Changing the charter -----------------------------------------------------------------------


def test_an_editor_changes_charter_fields(api_as, editor, project):
    response = api_as(editor).patch(url(project), {"version": 1, "problem": "New", "value": "€"})
    assert response.status_code == 200
    body = response.json()
    assert body["charter"]["version"] == 2
    assert body["charter"]["problem"] == "New" and body["charter"]["value"] == "€"
    assert response["ETag"] == '"2"'
    charter = Charter.objects.get(project=project)
    assert (charter.problem, charter.value, charter.version) == ("New", "€", 2)
    assert charter.history.first().history_user == editor


def test_the_version_may_come_as_if_match(api_as, editor, project):
    response = api_as(editor).patch(url(project), {"audience": "Agents"}, **{"If-Match": '"1"'})
    assert response.status_code == 200
    assert response.json()["charter"]["audience"] == "Agents"


def test_a_change_without_a_version_is_refused_with_how_to_send_it(api_as, editor, project):
    response = api_as(editor).patch(url(project), {"problem": "New"})
    assert response.status_code == 428
    assert '"version"' in response.json()["detail"] and "If-Match" in response.json()["detail"]
    assert Charter.objects.get(project=project).problem == ""


def test_a_stale_version_is_a_409_and_changes_nothing(api_as, editor, owner, project):
    api_as(owner).patch(url(project), {"version": 1, "problem": "Owner's text"})
    response = api_as(editor).patch(url(project), {"version": 1, "problem": "Editor's text"})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert "version 2" in response.json()["detail"]
    charter = Charter.objects.get(project=project)
    assert (charter.problem, charter.version) == ("Owner's text", 2)


def test_a_stale_if_match_is_a_409(api_as, editor, project):
    response = api_as(editor).patch(url(project), {"problem": "x"}, **{"If-Match": '"7"'})
    assert response.status_code == 409


@pytest.mark.parametrize("header", ["*", "abc", "9" * 5000, "³", '"1", "2"'])
def test_a_malformed_if_match_is_a_400(api_as, editor, project, header):
    response = api_as(editor).patch(url(project), {"problem": "x"}, **{"If-Match": header})
    assert response.status_code == 400
    assert "If-Match" in response.json()["detail"]


def test_body_and_if_match_must_agree(api_as, editor, project):
    response = api_as(editor).patch(
        url(project), {"version": 1, "problem": "x"}, **{"If-Match": "2"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body, where",
    [
        ({"version": 1, "problem": None}, "problem"),
        ({"version": 1, "probelm": "typo"}, "probelm"),
        ({"version": "1", "problem": "x"}, "version"),
        ({"version": 1}, "Nothing to change"),
        ({"version": 1, "stage": "monitoring"}, "stage"),
    ],
)
def test_a_bad_change_is_a_422_that_names_the_field(api_as, editor, project, body, where):
    response = api_as(editor).patch(url(project), body)
    assert response.status_code == 422
    assert where in response.json()["detail"]
    assert Charter.objects.get(project=project).version == 1


def test_a_viewer_may_not_change_the_charter(api_as, viewer, project):
    response = api_as(viewer).patch(url(project), {"version": 1, "problem": "x"})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert Charter.objects.get(project=project).problem == ""
