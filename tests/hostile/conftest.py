# The API's client, token and demo fixtures, as the API's own tests use them.
from tests.api.conftest import api_as, demo, media_in_tmp, run_tasks  # noqa: F401
