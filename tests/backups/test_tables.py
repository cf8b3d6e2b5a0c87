"""What a backup holds: every table of every installed app, unless excluded with a reason."""

import pytest
from django.apps import apps
from django.db import connection

from backups.services.tables import EXCLUDED, backed_up_models, backup_tables

pytestmark = pytest.mark.django_db

# Tables of the database that belong to no model: what migrate and the search index keep.
NOT_MODELS = {"django_migrations"}


def test_every_model_is_backed_up_or_excluded_with_a_reason():
    backed_up = {model._meta.label for model in backed_up_models()}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        assert (label in backed_up) != (label in EXCLUDED), f"{label}: backed up or excluded?"
    for label, reason in EXCLUDED.items():
        assert apps.get_model(label), label
        assert len(reason) > 20, f"say why {label} is not backed up"


def test_every_table_of_the_database_is_in_the_backup_or_excluded():
    """A table made outside the models (raw SQL in a migration) would be lost by a restore."""
    excluded = {apps.get_model(label)._meta.db_table for label in EXCLUDED}
    backed_up = {table.name for table in backup_tables()}
    tables = set(connection.introspection.table_names())
    assert tables - backed_up - excluded - NOT_MODELS == set()
    assert backed_up <= tables


def test_tables_come_after_the_tables_they_point_at_but_for_cycles():
    order = [table.model for table in backup_tables()]
    position = {model: n for n, model in enumerate(order)}
    late = [
        (model._meta.label, field.name)
        for model in order
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model in position
        and position[field.related_model] > position[model]
    ]
    # Demo.scale and RatingScale.demo point at each other: one of them must come first.
    assert late == [("demos.Demo", "scale")]


def test_the_portfolio_is_in_the_backup():
    names = {table.name for table in backup_tables()}
    for name in [
        "accounts_user", "accounts_team", "accounts_membership", "auth_group",
        "auth_group_permissions", "accounts_notification", "lifecycle_project",
        "lifecycle_charter", "lifecycle_historicalcharter", "lifecycle_experiment",
        "lifecycle_reading", "lifecycle_projectevent", "lifecycle_alert",
        "lifecycle_monitoringplan", "lifecycle_digestsubscriber", "demos_demo",
        "demos_ratingscale", "demos_dataset", "demos_example", "demos_sharelink",
        "demos_feedback", "api_apitoken",
    ]:  # fmt: skip
        assert name in names
    assert "django_session" not in names
