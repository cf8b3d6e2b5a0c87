"""Searching a demo's text: the same answers on PostgreSQL (the suite's database) and on SQLite
(the embedded default, in a subprocess): a GIN index on one, plain lookups on the other."""

import json

import pytest

from tests.sqlite_process import manage_on_sqlite

from .search_checks import EXPECTED, run

ON_SQLITE = """
import json
from tests.factories import make_project, make_team, make_user
from tests.demos.search_checks import run
owner = make_user("olivia")
project = make_project(make_team("Growth", members={owner: "owner"}), owner)
print(json.dumps(run(project, owner)))
"""


@pytest.mark.django_db(transaction=True)
def test_search_on_postgresql(project, owner):
    results = run(project, owner)
    for key, expected in EXPECTED.items():
        assert results[key] == expected, key
    assert results["other_dataset"] == ["t1"]
    assert results["after_delete"] == ["t1"]
    assert results["examples_left"] == 5


def test_search_on_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    output = manage_on_sqlite(database, "shell", "-c", ON_SQLITE)
    results = json.loads(output.strip().splitlines()[-1])
    for key, expected in EXPECTED.items():
        assert results[key] == expected, key
    assert results["other_dataset"] == ["t1"]
    assert results["after_delete"] == ["t1"]
    assert results["examples_left"] == 5
