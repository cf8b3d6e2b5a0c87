"""The seeded demo portfolio, exported, emptied and imported again, is the same row for row."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from lifecycle.access import readable_projects
from lifecycle.models import Project
from tests.factories import make_project
from tests.sqlite_process import manage_on_sqlite

from .helpers import counts, empty_database, every_row, export

pytestmark = pytest.mark.django_db


def test_a_restore_gives_back_every_row_of_every_table(seeded, tmp_path):
    before = every_row()
    archive = tmp_path / "portfolio.zip"
    export(archive)
    empty_database()

    out = io.StringIO()
    call_command("import_portfolio", str(archive), "--no-progress", stdout=out)

    after = every_row()
    assert list(after) == list(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    filled = {table for table, rows in before.items() if rows}
    assert filled >= {
        "lifecycle_historicalcharter", "demos_example", "demos_feedback",
        "auth_group_permissions", "lifecycle_alert", "lifecycle_projectevent",
    }  # fmt: skip
    assert f"Restored {sum(map(len, before.values())):,} rows" in out.getvalue()


def test_after_a_restore_new_rows_get_new_ids(seeded, tmp_path):
    archive = tmp_path / "portfolio.zip"
    export(archive)
    highest = Project.objects.order_by("-pk").values_list("pk", flat=True)[0]
    empty_database()
    call_command("import_portfolio", str(archive), "--no-progress", stdout=io.StringIO())
    dana = User.objects.get(username="dana")
    project = make_project(dana.teams.first(), dana)
    assert project.pk > highest


def test_a_manager_still_sees_every_project_after_a_restore(seeded, tmp_path):
    """Group permissions point at permissions by natural key: the ids are each database's own."""
    archive = tmp_path / "portfolio.zip"
    export(archive)
    empty_database()
    call_command("import_portfolio", str(archive), "--no-progress", stdout=io.StringIO())
    manager = User.objects.get(username="manager")
    assert manager.has_perm("accounts.view_all_projects")
    assert readable_projects(manager).count() == Project.objects.count()


def test_a_database_with_rows_is_refused_and_left_as_it_was(seeded, tmp_path):
    archive = tmp_path / "portfolio.zip"
    export(archive)
    before = counts()
    with pytest.raises(CommandError, match="The database is not empty: .*accounts_user"):
        call_command("import_portfolio", str(archive), stdout=io.StringIO())
    assert counts() == before


def test_export_and_import_show_their_progress_on_stderr(seeded, tmp_path):
    archive = tmp_path / "portfolio.zip"
    exported = export(archive).splitlines()
    assert exported[0].startswith("export [") and "auth_group" in exported[0]
    assert any("demos_example (0 of " in line for line in exported)
    assert exported[-1].startswith("export [" + "#" * 30 + "] 100%")
    empty_database()
    err = io.StringIO()
    call_command("import_portfolio", str(archive), stdout=io.StringIO(), stderr=err)
    imported = err.getvalue().splitlines()
    assert any("lifecycle_experiment (0 of " in line for line in imported)
    assert imported[-1].startswith("import [" + "#" * 30 + "] 100%")


def test_export_refuses_to_overwrite_a_file(seeded, tmp_path):
    archive = tmp_path / "portfolio.zip"
    archive.write_text("keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("export_portfolio", str(archive), stdout=io.StringIO())
    assert archive.read_text() == "keep me"


SEARCH_ON_SQLITE = """
from demos.models import Example
from demos.selectors.search import matching
example = Example.objects.order_by("pk").first()
word = next(v for v in example.fields.values() if isinstance(v, str) and v.strip()).split()[0]
found = matching(
    Example.objects.all(), example.dataset_id, example.dataset.display_columns, word
)
print("found", found.filter(pk=example.pk).exists())
"""


def test_a_backup_goes_from_postgresql_to_sqlite_and_back_unchanged(seeded, tmp_path):
    """The embedded database takes the production one's archive, and its own archive of that
    restores into PostgreSQL as the rows were. Its text index is filled as the rows go in."""
    before = every_row()
    archive, again = tmp_path / "postgresql.zip", tmp_path / "sqlite.zip"
    export(archive)
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    manage_on_sqlite(database, "import_portfolio", str(archive), "--no-progress")
    manage_on_sqlite(database, "export_portfolio", str(again), "--no-progress")
    assert "found True" in manage_on_sqlite(database, "shell", "-c", SEARCH_ON_SQLITE)

    empty_database()
    call_command("import_portfolio", str(again), "--no-progress", stdout=io.StringIO())
    assert every_row() == before
