"""The text index of examples (demos/search.py): FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

from demos.search import create_index, drop_index


class Migration(migrations.Migration):
    dependencies = [
        ("demos", "0003_scales_restrict_not_protect"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
