"""Searching a demo's text: the same answers on PostgreSQL (the suite's database) and on SQLite
(the embedded default, in a subprocess), from a real text index on both."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .search_checks import EXPECTED, run

ROOT = Path(__file__).resolve().parent.parent.parent

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


def manage(database: Path, media: Path, *args: str) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(WAYPOINT_DEV="1", DATABASE_URL=f"sqlite:///{database}", MEDIA_ROOT=str(media))
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_search_on_postgresql(project, owner):
    results = run(project, owner)
    for key, expected in EXPECTED.items():
        assert results[key] == expected, key
    assert results["other_dataset"] == ["t1"]
    assert results["examples_left"] == 5


def test_search_on_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage(database, tmp_path, "migrate", "--noinput", "-v0")
    output = manage(database, tmp_path, "shell", "-c", ON_SQLITE)
    both = json.loads(output.strip().splitlines()[-1])
    for way, results in both.items():
        for key, expected in EXPECTED.items():
            assert results[key] == expected, (way, key)
        assert results["other_dataset"] == ["t1"], way
    # The index holds both datasets' rows; deleting one removes its rows from the index.
    assert both["few"]["index_rows_before_delete"] == 10
    assert both["few"]["index_rows_after_delete"] == 5
    assert both["many"]["examples_left"] == 5 + 5  # run() leaves one dataset per demo
