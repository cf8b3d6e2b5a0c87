"""Every hostile API body in the corpus: the status and a detail that says what to change, and
nothing written (readings, experiments, charter versions, demos counted before and after)."""

import pytest

from demos.models import Demo
from lifecycle.models import Charter, Experiment, Reading

from .corpus import APIS, Api

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "readings": ("POST", "/readings"),
    "experiments": ("POST", "/experiments"),
    "charter": ("PATCH", ""),
    "demo": ("POST", "/demos"),
}


def counts(project) -> dict:
    charter = Charter.objects.get(project=project)
    return {
        "readings": Reading.objects.count(),
        "experiments": Experiment.objects.count(),
        "charter": (charter.version, charter.problem),
        "demos": Demo.objects.count(),
    }


@pytest.mark.parametrize("case", APIS, ids=lambda case: case.id)
def test_a_hostile_api_body_gets_a_4xx_saying_what_to_change(
    case: Api, api_as, editor, project, recall
):
    method, suffix = ENDPOINTS[case.endpoint]
    before = counts(project)
    response = api_as(editor).send(
        method,
        f"/api/v1/projects/{project.slug}{suffix}",
        raw=case.raw(),
        content_type=case.content_type,
    )
    assert response.status_code == case.status, response.content[:500]
    body = response.json()
    if case.status >= 400:
        assert body["detail"]
        for fragment in case.says:
            assert fragment in body["detail"]
        assert counts(project) == before
    else:
        assert counts(project)["readings"] == before["readings"] + body["created"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/demos/1180591620717411303424/datasets"),
        ("GET", "/api/v1/jobs/1180591620717411303424"),
        ("PUT", "/api/v1/demos/-1/datasets/1/live"),
        ("PUT", "/api/v1/demos/1/datasets/1180591620717411303424/live"),
    ],
)
def test_ids_past_any_integer_column_are_not_found(api_as, editor, method, path):
    api = api_as(editor)
    response = api.get(path) if method == "GET" else api.send(method, path, {"live_of": "v1"})
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("query", ["limit=1180591620717411303424", "offset=1e400", "limit=-1"])
def test_page_parameters_past_any_integer_are_a_422(api_as, editor, project, query):
    response = api_as(editor).get(f"/api/v1/projects?{query}")
    assert response.status_code == 422
    assert response.json()["detail"]
