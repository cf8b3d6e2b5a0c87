"""Bulk inserts (plumbing/bulk.py) store what the ORM would: COPY on PostgreSQL (the suite's
database; SQLite's bulk_create path is checked in tests/demos/test_storing_sqlite.py)."""

import datetime

import pytest

from demos.models import Example
from demos.services import demo_create
from lifecycle.models import Reading
from plumbing.bulk import insert_rows
from tests.factories import add_criterion

pytestmark = pytest.mark.django_db

MOMENTS = [
    datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC),
    datetime.datetime(
        2026, 3, 29, 2, 30, 5, 123, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    ),
    datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
]
COLUMNS = ("criterion_id", "project_id", "value", "at", "source", "created_by_id")


def test_readings_read_back_as_the_orm_stores_them(project, owner):
    criterion = add_criterion(project, owner)
    insert_rows(
        Reading,
        COLUMNS,
        [(criterion.pk, project.pk, n / 3, at, "api", owner.pk) for n, at in enumerate(MOMENTS)],
    )
    for n, at in enumerate(MOMENTS):
        Reading.objects.create(
            criterion=criterion, project=project, value=n / 3, at=at, source="api", created_by=owner
        )
    rows = list(Reading.objects.order_by("id").values_list(*COLUMNS))
    assert rows[:3] == rows[3:]
    assert [row[3] for row in rows[:3]] == MOMENTS


def test_json_given_as_text_is_stored_as_json(project, owner):
    demo = demo_create(project=project, title="Urgent tickets", by=owner)
    dataset = demo.datasets.create(model_version="v1", scale=demo.scale)
    insert_rows(
        Example,
        ("dataset_id", "row", "external_id", "score", "top_class", "fields"),
        [(dataset.pk, 2, "t1", 0.5, "", '{"title": "Printer on fire", "n": "1"}')],
    )
    assert Example.objects.get().fields == {"title": "Printer on fire", "n": "1"}
    assert Example.objects.filter(fields__title="Printer on fire").exists()


def test_no_rows_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_rows(Reading, COLUMNS, [])
