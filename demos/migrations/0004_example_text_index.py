"""The text index of examples (demos/search.py): FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

from demos.search import create_pg_index, create_sqlite_index, drop_pg_index


def create(apps, schema_editor):
    create_sqlite_index(apps, schema_editor)
    create_pg_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("demos", "0003_scales_restrict_not_protect"),
    ]

    operations = [migrations.RunPython(create, drop_pg_index, elidable=False)]
