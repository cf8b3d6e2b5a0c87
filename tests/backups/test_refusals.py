"""A damaged, tampered or newer archive is refused with a message naming what is wrong, and the
database is left as it was (empty: nothing of the archive is half restored)."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lifecycle.models import Risk
from tests.factories import add_criterion, add_risk, make_project, make_team, make_user

from .helpers import counts, empty_database, export, rewrite

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path):
    """An archive of a small portfolio, and the database emptied for its restore."""
    owner = make_user("olga")
    project = make_project(make_team("Search", {owner: "owner"}), owner)
    add_criterion(project, owner)
    add_risk(project, owner)
    path = tmp_path / "portfolio.zip"
    export(path)
    empty_database()
    return path


def last_member_with_rows(path) -> str:
    with zipfile.ZipFile(path) as z:
        tables = json.loads(z.read("manifest.json"))["tables"]
    return [t["member"] for t in tables if t["rows"]][-1]


def refused(path, message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        call_command("import_portfolio", str(path), "--no-progress", stdout=io.StringIO())
    assert str(raised.value).startswith("Nothing was restored.")
    assert not any(counts().values()), "a refused archive left rows behind"


def test_the_untouched_archive_restores(archive):
    call_command("import_portfolio", str(archive), "--no-progress", stdout=io.StringIO())
    assert counts()["lifecycle_risk"] == 1


def test_a_truncated_archive_is_refused(archive, tmp_path):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused(cut, "damaged or truncated")


def test_a_file_that_is_no_archive_is_refused(tmp_path):
    other = tmp_path / "notes.zip"
    other.write_text("id,name\n1,=cmd()\n")
    refused(other, "damaged or truncated")


def test_a_member_changed_after_the_export_is_refused_after_the_tables_before_it(archive, tmp_path):
    """Valid JSON, the same values, the same count: only the checksum tells. The tables before
    it were restored already when it is read, and are rolled back."""
    member = last_member_with_rows(archive)
    changed = tmp_path / "changed.zip"
    rewrite(archive, changed, members=lambda m: {**m, member: m[member].replace(b",", b", ", 1)})
    refused(changed, f"{member} does not match its checksum")


def test_a_member_cut_short_is_refused(archive, tmp_path):
    member = "tables/lifecycle_historicalproject.jsonl"
    cut = tmp_path / "cut.zip"
    rewrite(archive, cut, members=lambda m: {**m, member: m[member][:-10]})
    refused(cut, f"{member}, line 1")


def test_a_row_count_other_than_the_manifest_is_refused(archive, tmp_path):
    def fewer(manifest):
        for table in manifest["tables"]:
            if table["table"] == "lifecycle_project":
                table["rows"] = 2
        return manifest

    other = tmp_path / "other.zip"
    rewrite(archive, other, manifest=fewer)
    refused(other, "lifecycle_project.jsonl holds 1 rows; the manifest says 2")


def test_a_missing_member_is_refused(archive, tmp_path):
    member = "tables/lifecycle_risk.jsonl"
    missing = tmp_path / "missing.zip"
    rewrite(archive, missing, members=lambda m: {k: v for k, v in m.items() if k != member})
    refused(missing, f"missing {member}")


def test_an_unknown_table_is_refused(archive, tmp_path):
    def more(manifest):
        manifest["tables"].append(
            {"table": "shop_order", "model": "shop.Order", "member": "tables/shop_order.jsonl",
             "columns": ["id"], "rows": 0, "sha256": hashlib.sha256(b"").hexdigest()}
        )  # fmt: skip
        return manifest

    unknown = tmp_path / "unknown.zip"
    rewrite(
        archive, unknown, manifest=more, members=lambda m: {**m, "tables/shop_order.jsonl": b""}
    )
    refused(unknown, "table 'shop_order', which this database does not have")


def test_a_member_the_manifest_does_not_list_is_refused(archive, tmp_path):
    extra = tmp_path / "extra.zip"
    rewrite(archive, extra, members=lambda m: {**m, "tables/notes.jsonl": b"[1]\n"})
    refused(extra, r"members its manifest does not list: \['tables/notes.jsonl'\]")


def test_a_newer_format_is_refused(archive, tmp_path):
    newer = tmp_path / "newer.zip"
    rewrite(archive, newer, manifest=lambda m: {**m, "format_version": 2, "app_version": "9.0"})
    refused(
        newer,
        "format version 2, written by a newer Waypoint \\(9.0\\); this one reads up to version 1",
    )


def test_other_columns_than_this_database_has_are_refused(archive, tmp_path):
    def fewer_columns(manifest):
        for table in manifest["tables"]:
            if table["table"] == "lifecycle_risk":
                table["columns"] = table["columns"][:-1]
        return manifest

    other = tmp_path / "other.zip"
    rewrite(archive, other, manifest=fewer_columns)
    refused(other, "Table 'lifecycle_risk' has columns .* in the archive but .* here")


def test_rows_that_point_at_rows_the_archive_lacks_are_refused(archive, tmp_path):
    """Every count and checksum agrees, but the team the memberships belong to is gone."""
    member = "tables/accounts_team.jsonl"

    def no_teams(manifest):
        for table in manifest["tables"]:
            if table["member"] == member:
                table["rows"], table["sha256"] = 0, hashlib.sha256(b"").hexdigest()
        return manifest

    dangling = tmp_path / "dangling.zip"
    rewrite(archive, dangling, manifest=no_teams, members=lambda m: {**m, member: b""})
    refused(dangling, "point at rows it does not hold")


def test_a_value_the_column_does_not_take_is_refused(archive, tmp_path):
    """The checksum matches (the archive was made so), but a number column holds words."""
    member = "tables/lifecycle_risk.jsonl"

    def words_for_a_number(members):
        row = json.loads(members[member])
        row[[f.column for f in Risk._meta.concrete_fields].index("likelihood")] = "quite likely"
        return {**members, member: (json.dumps(row) + "\n").encode()}

    def checksum(manifest):
        for table in manifest["tables"]:
            if table["member"] == member:
                table["sha256"] = hashlib.sha256(words_for_a_number(contents)[member]).hexdigest()
        return manifest

    with zipfile.ZipFile(archive) as z:
        contents = {member: z.read(member)}
    bad = tmp_path / "bad.zip"
    rewrite(archive, bad, manifest=checksum, members=words_for_a_number)
    refused(bad, f"{member}: the database refused a row")
