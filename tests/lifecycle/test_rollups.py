"""Hourly summaries of readings: exact, whatever the order and batches the readings came in and
however often they are caught up."""

import datetime
import random

import pytest
from django.db.models import Count, Max, Min

from lifecycle.models import Reading, ReadingHour
from lifecycle.selectors import rollups as rollup_reads
from lifecycle.services import rollups
from lifecycle.services.experiment_log import ReadingInput, experiment_add, readings_add
from tests.factories import add_criterion

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def expected_hours():
    """The summaries computed from the readings themselves."""
    result = {}
    for reading in Reading.objects.order_by("at", "id"):
        key = (reading.criterion_id, reading.source, hour_of(reading.at))
        entry = result.setdefault(key, {"readings": 0, "low": reading.value})
        entry["readings"] += 1
        entry["low"] = min(entry["low"], reading.value)
        entry["high"] = max(entry.get("high", reading.value), reading.value)
        entry["first_at"] = min(entry.get("first_at", reading.at), reading.at)
        entry["last_at"], entry["last_value"] = reading.at, reading.value
    return result


def stored_hours():
    fields = ["readings", "low", "high", "first_at", "last_at", "last_value"]
    return {
        (h.criterion_id, h.source, h.hour): {f: getattr(h, f) for f in fields}
        for h in ReadingHour.objects.all()
    }


def test_summaries_match_the_readings_whatever_the_order_and_batches(project, owner):
    loss = add_criterion(project, owner, name="Loss", direction="lower")
    recall = add_criterion(project, owner, name="Recall")
    shuffled = random.Random(7)  # noqa: S311 (test data)
    readings = [
        ReadingInput(
            shuffled.choice(["Loss", "Recall"]),
            round(shuffled.uniform(0, 1), 3),
            START + datetime.timedelta(minutes=shuffled.randrange(0, 600)),
            shuffled.choice(["experiment", "production"]),
        )
        for _ in range(700)
    ]
    for first in range(0, 700, 97):  # uneven batches, caught up after some of them
        readings_add(project=project, readings=readings[first : first + 97], by=owner)
        if first % 2:
            rollups.catch_up(project.pk)
    rollups.catch_up(project.pk)

    assert stored_hours() == expected_hours()
    assert sum(h.readings for h in ReadingHour.objects.all()) == 700
    assert {h.criterion_id for h in ReadingHour.objects.all()} == {loss.pk, recall.pk}


def test_the_later_of_two_readings_at_the_same_moment_is_the_latest(project, owner):
    add_criterion(project, owner, name="Loss", direction="lower")
    readings_add(project=project, readings=[ReadingInput("Loss", 0.5, START)], by=owner)
    readings_add(project=project, readings=[ReadingInput("Loss", 0.4, START)], by=owner)
    rollups.catch_up(project.pk)

    assert ReadingHour.objects.get().last_value == 0.4


def test_readings_of_experiments_are_summarised_too(project, owner):
    add_criterion(project, owner, name="Recall")
    experiment_add(
        project=project,
        week_start=START.date(),
        title="Bigger model",
        by=owner,
        readings=[ReadingInput("Recall", 0.3, START), ReadingInput("Recall", 0.6, START)],
    )
    rollups.catch_up(project.pk)

    hour = ReadingHour.objects.get()
    assert (hour.readings, hour.low, hour.high) == (2, 0.3, 0.6)


def test_a_refused_batch_leaves_no_summary(project, owner):
    add_criterion(project, owner, name="Recall")
    with pytest.raises(ValueError):
        readings_add(
            project=project,
            readings=[ReadingInput("Recall", 0.3, START), ReadingInput("Nope", 1, START)],
            by=owner,
        )
    rollups.catch_up(project.pk)
    assert not ReadingHour.objects.exists()


def test_stretches_hold_about_equally_many_readings_and_never_exceed_the_limit():
    hours = [
        ReadingHour(readings=n, hour=START + datetime.timedelta(hours=i))
        for i, n in enumerate([5, 1, 1, 1, 40, 2, 2, 2, 2, 2, 2, 2, 3])
    ]
    groups = rollup_reads.stretches(hours, 4)

    assert len(groups) <= 4
    assert [h for group in groups for h in group] == hours  # in order, none lost
    assert [sum(h.readings for h in group) for group in groups] == [8, 40, 17]


def test_totals_agree_with_an_aggregate_of_the_readings(project, owner):
    add_criterion(project, owner, name="Recall")
    readings = [
        ReadingInput("Recall", i / 100, START + datetime.timedelta(minutes=7 * i))
        for i in range(100)
    ]
    readings_add(project=project, readings=readings, by=owner)
    rollups.catch_up(project.pk)
    totals = Reading.objects.aggregate(n=Count("id"), low=Min("value"), high=Max("value"))

    hours = list(ReadingHour.objects.order_by("hour"))
    assert sum(h.readings for h in hours) == totals["n"]
    assert min(h.low for h in hours) == totals["low"]
    assert max(h.high for h in hours) == totals["high"]


def test_catching_up_twice_counts_each_reading_once(project, owner):
    add_criterion(project, owner, name="Recall")
    readings_add(project=project, readings=[ReadingInput("Recall", 0.3, START)], by=owner)
    rollups.catch_up(project.pk)
    rollups.catch_up(project.pk)
    readings_add(project=project, readings=[ReadingInput("Recall", 0.5, START)], by=owner)
    rollups.catch_up(project.pk)
    rollups.catch_up(project.pk)

    hour = ReadingHour.objects.get()
    assert (hour.readings, hour.low, hour.high, hour.last_value) == (2, 0.3, 0.5, 0.5)


def test_storing_readings_writes_no_summary_until_a_chart_asks(project, owner):
    add_criterion(project, owner, name="Recall")
    readings_add(project=project, readings=[ReadingInput("Recall", 0.3, START)], by=owner)
    assert not ReadingHour.objects.exists()
    rollups.catch_up(project.pk)
    assert ReadingHour.objects.count() == 1


def test_catching_up_one_project_leaves_others_alone(project, owner, team):
    from tests.factories import make_project

    other = make_project(team, owner, name="Other")
    add_criterion(project, owner, name="Recall")
    add_criterion(other, owner, name="Recall")
    readings_add(project=project, readings=[ReadingInput("Recall", 0.3, START)], by=owner)
    readings_add(project=other, readings=[ReadingInput("Recall", 0.9, START)], by=owner)

    rollups.catch_up(other.pk)
    [hour] = ReadingHour.objects.all()
    assert hour.criterion.project == other
    rollups.catch_up(project.pk)
    assert ReadingHour.objects.count() == 2
