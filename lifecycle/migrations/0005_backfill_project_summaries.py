from django.db import migrations


def backfill(apps, schema_editor):
    from lifecycle.services.summary import summaries_refresh

    summaries_refresh(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0004_portfolio_summary_blocker")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
