"""The rules of the weekly log: weeks, experiments, readings, likelihood."""

import datetime

import pytest

from lifecycle.models import Reading, Timebox
from lifecycle.selectors.projects import criteria_with_latest_reading, latest_likelihood
from lifecycle.services.experiment_log import (
    MAX_READINGS_PER_CALL,
    LogError,
    ReadingInput,
    experiment_add,
    readings_add,
)
from lifecycle.weeks import BadWeek, parse_week, week_label, week_start
from tests.factories import add_criterion

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 16)


def test_weeks_are_iso_weeks():
    assert parse_week("2026-W47") == MONDAY
    assert week_label(MONDAY) == "2026-W47"
    assert week_start(datetime.date(2026, 11, 22)) == MONDAY  # a Sunday
    assert parse_week("2026-W53") == datetime.date(2026, 12, 28)  # 2026 has 53 weeks


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-47", "write it as YYYY-Www"),
        ("W47", "write it as YYYY-Www"),
        ("2025-W53", "2025 has weeks 1 to 52"),
        ("2026-W00", "week 0 does not exist"),
    ],
)
def test_bad_weeks_say_how_to_write_them(text, message):
    with pytest.raises(BadWeek, match=message):
        parse_week(text)


def test_experiments_of_a_week_share_one_timebox_in_plan_order(project, owner):
    first = experiment_add(project=project, week_start=MONDAY, title="Baseline", by=owner)
    second = experiment_add(project=project, week_start=MONDAY, title="TF-IDF", by=owner)
    assert first.timebox == second.timebox
    assert (first.position, second.position) == (1, 2)
    assert Timebox.objects.filter(project=project).count() == 1


def test_experiment_with_readings_and_likelihood(project, owner):
    add_criterion(project, owner, name="Macro F1", kind="model", baseline=0.6, target=0.8)
    experiment = experiment_add(
        project=project,
        week_start=MONDAY,
        title="Fine-tuned classifier",
        outcome="supported",
        readings=[ReadingInput("macro f1", 0.71)],
        likelihood=65,
        likelihood_reason="Beat the baseline on the first try",
        by=owner,
    )
    assert experiment.readings.get().value == 0.71
    assert latest_likelihood(project).likelihood == 65
    (criterion,) = criteria_with_latest_reading(project)
    assert criterion.latest_value == 0.71


def test_unknown_criterion_lists_the_known_ones_and_stores_nothing(project, owner):
    add_criterion(project, owner, name="Macro F1")
    with pytest.raises(LogError, match="Unknown criterion 'Recall'.*\"Macro F1\""):
        readings_add(
            project=project,
            readings=[ReadingInput("Macro F1", 0.7), ReadingInput("Recall", 0.5)],
            by=owner,
        )
    assert not Reading.objects.exists()


def test_a_failed_experiment_add_leaves_no_experiment(project, owner):
    with pytest.raises(LogError):
        experiment_add(
            project=project,
            week_start=MONDAY,
            title="x",
            readings=[ReadingInput("Nope", 1.0)],
            by=owner,
        )
    assert not project.experiments.exists()


@pytest.mark.parametrize("value", ["0.7", float("nan"), float("inf"), True, None])
def test_reading_values_must_be_finite_numbers(project, owner, value):
    add_criterion(project, owner, name="F1")
    with pytest.raises(LogError, match="must be a"):
        readings_add(project=project, readings=[ReadingInput("F1", value)], by=owner)


def test_batch_limit_is_explicit(project, owner):
    add_criterion(project, owner, name="F1")
    too_many = [ReadingInput("F1", 0.5)] * (MAX_READINGS_PER_CALL + 1)
    with pytest.raises(LogError, match="send at most 1000"):
        readings_add(project=project, readings=too_many, by=owner)
    assert readings_add(project=project, readings=too_many[:-1], by=owner) == 1000


def test_likelihood_is_a_percentage(project, owner):
    with pytest.raises(LogError, match="0 to 100"):
        experiment_add(project=project, week_start=MONDAY, title="x", likelihood=120, by=owner)
