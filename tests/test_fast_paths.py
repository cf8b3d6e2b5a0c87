"""The API's plain statements (a token with its user, the editor's project id, a project's
criteria) answer as the ORM does, on PostgreSQL and on SQLite (tests/fast_path_checks.py)."""

import json

import pytest

from tests.sqlite_process import manage_on_sqlite

from .fast_path_checks import run

ON_SQLITE = """
import json
from django.test.utils import override_settings
from tests.fast_path_checks import run
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    print(json.dumps(run()))
"""


@pytest.mark.django_db
def test_the_statements_answer_as_the_orm_on_postgresql():
    assert run() == []


def test_the_statements_answer_as_the_orm_on_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    output = manage_on_sqlite(database, "shell", "-c", ON_SQLITE)
    assert json.loads(output.strip().splitlines()[-1]) == []
