"""The text index of examples (demos/search.py): GIN on PostgreSQL. (Until migration 0011,
SQLite had an FTS5 table made here; it now searches through plain lookups and needs none.)"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS demos_example_text ON demos_example USING gin "
    """((jsonb_to_tsvector('simple'::regconfig, "demos_example"."fields", '["string"]')))"""
)
DROP = "DROP INDEX IF EXISTS demos_example_text"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("demos", "0003_scales_restrict_not_protect"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
