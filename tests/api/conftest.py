"""API test helpers: a JSON client that sends a user's bearer token, and a project with criteria.

The browser fixtures come from tests/browser_fixtures.py, loaded by tests/conftest.py.
"""

import json

import pytest
from django.test import Client

from api.services import api_token_create
from demos.services import demo_create
from tests.factories import add_criterion


class ApiClient:
    """Django's test client speaking JSON with `Authorization: Bearer <token>`."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.token = token
        self.client = client or Client()

    def _headers(self, headers: dict) -> dict:
        if self.token:
            headers = {"Authorization": f"Bearer {self.token}", **headers}
        return headers

    def get(self, path: str, **headers):
        return self.client.get(path, headers=self._headers(headers))

    def send(
        self,
        method: str,
        path: str,
        body=None,
        *,
        raw: bytes | str | None = None,
        content_type: str = "application/json",
        **headers,
    ):
        data = raw if raw is not None else json.dumps(body)
        call = getattr(self.client, method.lower())
        return call(path, data, content_type=content_type, headers=self._headers(headers))

    def post(self, path: str, body=None, **kwargs):
        return self.send("POST", path, body, **kwargs)

    def patch(self, path: str, body=None, **kwargs):
        return self.send("PATCH", path, body, **kwargs)


@pytest.fixture
def api_as(db):
    """`api_as(user)`: an ApiClient with a new token of `user`."""

    def make(user) -> ApiClient:
        _, secret = api_token_create(user=user, name="tests")
        return ApiClient(secret)

    return make


@pytest.fixture
def anonymous_api():
    return ApiClient()


@pytest.fixture
def minutes(project, owner):
    return add_criterion(
        project,
        owner,
        name="Handling time",
        kind="business",
        metric="minutes per ticket",
        unit="min",
        baseline=20,
        target=12,
        direction="lower",
    )


def url(project, suffix: str = "") -> str:
    return f"/api/v1/projects/{project.slug}{suffix}"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads land in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(project, owner):
    return demo_create(project=project, title="Which tickets are urgent?", by=owner)


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Tasks are queued on commit; run them (eagerly) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
