"""Searching a demo's text: the same answers on PostgreSQL (the suite's database) and on SQLite
(the embedded default, in a subprocess), from a real text index on both."""

import json

import pytest

from tests.sqlite_process import manage_on_sqlite

from .search_checks import EXPECTED, run

ON_SQLITE = """
import json
from tests.factories import make_project, make_team, make_user
from tests.demos.search_checks import run
from demos import search
owner = make_user("olivia")
project = make_project(make_team("Growth", members={owner: "owner"}), owner)
few = run(project, owner)
search.FEW = 0  # as if every word were common: the other way of querying
many = run(project, owner)
print(json.dumps({"few": few, "many": many}))
"""


@pytest.mark.django_db(transaction=True)
def test_search_on_postgresql(project, owner):
    results = run(project, owner)
    for key, expected in EXPECTED.items():
        assert results[key] == expected, key
    assert results["other_dataset"] == ["t1"]
    assert results["examples_left"] == 5


def test_search_on_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    output = manage_on_sqlite(database, "shell", "-c", ON_SQLITE)
    both = json.loads(output.strip().splitlines()[-1])
    for way, results in both.items():
        for key, expected in EXPECTED.items():
            assert results[key] == expected, (way, key)
        assert results["other_dataset"] == ["t1"], way
    # The index holds both datasets' rows; deleting one removes its rows from the index.
    assert both["few"]["index_rows_before_delete"] == 10
    assert both["few"]["index_rows_after_delete"] == 5
    assert both["many"]["examples_left"] == 5 + 5  # run() leaves one dataset per demo
