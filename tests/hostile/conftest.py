import pytest

# The API's client, token and demo fixtures, as the API's own tests use them.
from tests.api.conftest import api_as, demo, media_in_tmp  # noqa: F401


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Tasks are queued on commit; run them (eagerly) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
