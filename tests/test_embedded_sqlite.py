"""`make run`'s path: the embedded SQLite database migrates, seeds once and serves the pages."""

import pytest

from tests.sqlite_process import manage_on_sqlite

SERVE_PAGES = """
from django.test import Client
from accounts.models import User
from lifecycle.access import readable_projects
from lifecycle.models import Project
client = Client()
assert client.login(username="dana", password="waypoint-demo")
assert client.get("/").status_code == 200
project = readable_projects(User.objects.get(username="dana")).first()
assert client.get(project.get_absolute_url()).status_code == 200
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print("journal_mode", cursor.fetchone()[0])
print("projects", Project.objects.count())
"""


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    first = manage_on_sqlite(database, "seed_demo")
    return database, first


def test_seed_prints_how_to_log_in(seeded_sqlite):
    _, output = seeded_sqlite
    for username in ["manager", "dana", "sam", "admin"]:
        assert username in output
    assert "waypoint-demo" in output


def test_seeding_twice_adds_nothing_and_pages_serve_in_wal_mode(seeded_sqlite):
    database, _ = seeded_sqlite
    before = manage_on_sqlite(database, "shell", "-c", SERVE_PAGES)
    manage_on_sqlite(database, "seed_demo")
    after = manage_on_sqlite(database, "shell", "-c", SERVE_PAGES)
    assert "journal_mode wal" in after
    projects = [line for line in after.splitlines() if line.startswith("projects")]
    assert projects and projects[0] in before
