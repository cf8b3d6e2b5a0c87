"""SQLite: the text index moved from the main database file to its own (demos/selectors/search.py), so an
upload can fill it while storing the rows. The connection that runs this has already made and
filled the new one (search.attach); the old table and its trigger go."""

from django.db import migrations


def drop_old_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS main.demos_example_text_delete")
        schema_editor.execute("DROP TABLE IF EXISTS main.demos_example_text")


class Migration(migrations.Migration):
    dependencies = [
        ("demos", "0006_example_dataset_no_own_index"),
    ]

    operations = [migrations.RunPython(drop_old_index, migrations.RunPython.noop, elidable=False)]
