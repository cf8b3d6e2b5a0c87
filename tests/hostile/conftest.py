import pytest

from api.services import api_token_create
from demos.services import demo_create
from tests.api.conftest import ApiClient


@pytest.fixture
def api_as(db):
    """`api_as(user)`: an ApiClient with a new token of `user`."""

    def make(user) -> ApiClient:
        _, secret = api_token_create(user=user, name="tests")
        return ApiClient(secret)

    return make


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(project, owner):
    return demo_create(project=project, title="Which tickets are urgent?", by=owner)


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Tasks are queued on commit; run them (eagerly) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
