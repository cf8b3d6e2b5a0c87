"""Writes to the weekly experiment log: timeboxes, experiments and metric readings.

Used by the log pages and by the API, so both apply the same rules and messages.
"""

import datetime
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from plumbing.bulk import insert_rows
from plumbing.revisions import save_revision

from ..models import (
    Experiment,
    Outcome,
    Project,
    Reading,
    ReadingSource,
    SuccessCriterion,
    Timebox,
)
from . import document_save
from .derived import refresh

MAX_READINGS_PER_CALL = 1000


class LogError(ValueError):
    """Input the log cannot take; the message says what to change."""


@dataclass(frozen=True)
class ReadingInput:
    criterion: str  # the criterion's name, as on the project page
    value: float
    at: datetime.datetime | None = None
    source: str = ReadingSource.EXPERIMENT


def timebox_for_week(
    *, project: Project, week_start: datetime.date, by: User, at: datetime.datetime | None = None
) -> Timebox:
    """The project's timebox for the week starting `week_start`, created on first use (dated
    `at`, default now)."""
    timebox = Timebox.objects.filter(project=project, week_start=week_start).first()
    if timebox:
        return timebox
    try:
        with transaction.atomic():
            timebox = Timebox(project=project, week_start=week_start)
            save_revision(timebox, by=by, at=at)
            return timebox
    except IntegrityError:  # created by a concurrent request a moment ago
        return Timebox.objects.get(project=project, week_start=week_start)


@cache
def _criteria_sql() -> str:
    return (
        f"SELECT id, name FROM {SuccessCriterion._meta.db_table} "  # noqa: S608 (from the model)
        "WHERE project_id = %s ORDER BY position, id"
    )


def _criteria_of_project(project_id: int) -> list[tuple[int, str]]:
    """(id, name) of the project's criteria in page order: SuccessCriterion.objects.filter(
    project_id=...).order_by("position", "id").values_list("id", "name"), as one plain statement.

    Every batch of readings starts here, and the ORM's query costs ~250 us of CPU against ~20 us
    for the statement (measured in-process; with the ORM's queries on the readings path,
    log-metric fell to 2.2x MLflow in make bench, below its 3x goal). tests/fast_path_checks.py
    holds the two answers equal, on PostgreSQL and on SQLite."""
    with connection.cursor() as cursor:
        cursor.execute(_criteria_sql(), [project_id])
        return list(cursor.fetchall())


def criterion_ids_by_name(project_id: int, names: set[str]) -> dict[str, int]:
    """The ids of the project's criteria for `names` (case-insensitive), or a LogError naming
    the unknown ones."""
    known = {name.casefold(): (name, pk) for pk, name in _criteria_of_project(project_id)}
    unknown = sorted(name for name in names if name.casefold() not in known)
    if unknown:
        choices = ", ".join(f'"{name}"' for name, _ in known.values()) or "none yet"
        raise LogError(
            f"Unknown criterion {', '.join(repr(n) for n in unknown)}. "
            f"This project's criteria are: {choices}."
        )
    return {name: known[name.casefold()][1] for name in names}


def _clean_value(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LogError(f"{where}: the value must be a number, not {value!r}.")
    if not math.isfinite(value):
        raise LogError(f"{where}: the value must be a finite number, not {value}.")
    return float(value)


SOURCES = frozenset(ReadingSource.values)


def _reading_rows(
    project_id: int,
    readings: list[ReadingInput],
    by: User,
    experiment: Experiment | None = None,
    at: datetime.datetime | None = None,
) -> list[tuple]:
    """Checked rows for `_insert_readings`, or a LogError naming the first bad reading.

    A reading without its own time is dated `at` (default now)."""
    if len(readings) > MAX_READINGS_PER_CALL:
        raise LogError(
            f"{len(readings)} readings in one call; send at most {MAX_READINGS_PER_CALL} "
            "and split the rest into further calls."
        )
    criterion_ids = criterion_ids_by_name(project_id, {r.criterion for r in readings})
    now = at or timezone.now()
    experiment_id = experiment.pk if experiment else None
    by_id = by.pk if by is not None and by.is_authenticated else None
    rows = []
    for index, reading in enumerate(readings):
        where = f"Reading {index + 1} ({reading.criterion})"
        if reading.source not in SOURCES:
            raise LogError(f'{where}: the source must be "experiment" or "production".')
        if reading.at is not None and timezone.is_naive(reading.at):
            raise LogError(f"{where}: give the time with a time zone, e.g. 2026-11-20T14:00:00Z.")
        rows.append(
            (
                criterion_ids[reading.criterion],
                project_id,
                experiment_id,
                _clean_value(reading.value, where),
                reading.at or now,
                reading.source,
                by_id,
            )
        )
    return rows


READING_COLUMNS = (
    "criterion_id",
    "project_id",
    "experiment_id",
    "value",
    "at",
    "source",
    "created_by_id",
)


def _insert_readings(rows: list[tuple]) -> None:
    # Readings arrive a thousand at a time from training scripts: on PostgreSQL, COPY costs a
    # tenth of model instances and bulk_create.
    insert_rows(Reading, READING_COLUMNS, rows)


@transaction.atomic
def readings_add(*, project: Project, readings: list[ReadingInput], by: User) -> int:
    """Store a batch of readings: all of them, or none if any is wrong."""
    return readings_add_to_project(project.pk, readings, by)


@transaction.atomic
def readings_add_to_project(project_id: int, readings: list[ReadingInput], by: User) -> int:
    """readings_add for callers that hold only the project's id (the API's readings endpoint)."""
    rows = _reading_rows(project_id, readings, by)
    _insert_readings(rows)
    refresh(project_id, summary=False, rollups=True)
    return len(rows)


@transaction.atomic
def experiment_add(
    *,
    project: Project,
    week_start: datetime.date,
    title: str,
    by: User,
    hypothesis: str = "",
    what_was_done: str = "",
    result: str = "",
    outcome: str = Outcome.PLANNED,
    links: list[str] | None = None,
    readings: list[ReadingInput] | None = None,
    likelihood: int | None = None,
    likelihood_reason: str = "",
    at: datetime.datetime | None = None,
) -> Experiment:
    """Add an experiment to the week's plan, with its readings and the week's new likelihood.

    `at` dates it all (default now): the experiment, its week if new, and its readings unless
    they say when they were measured."""
    if not title.strip():
        raise LogError("Give the experiment a title.")
    if outcome not in Outcome.values:
        raise LogError(f"The outcome must be one of: {', '.join(Outcome.values)}.")
    if likelihood is not None and not 0 <= likelihood <= 100:
        raise LogError("The likelihood of success is a percentage from 0 to 100.")
    timebox = timebox_for_week(project=project, week_start=week_start, by=by, at=at)
    last = timebox.experiments.aggregate(last=Max("position"))["last"]
    experiment = Experiment(
        timebox=timebox,
        project=project,
        position=(last or 0) + 1,
        title=title.strip(),
        hypothesis=hypothesis,
        what_was_done=what_was_done,
        result=result,
        outcome=outcome,
        links=list(links or []),
        created_at=at or timezone.now(),
        created_by=by,
    )
    save_revision(experiment, by=by, at=at)
    rows = _reading_rows(project.pk, list(readings or []), by, experiment=experiment, at=at)
    _insert_readings(rows)
    if likelihood is not None:  # which refreshes the board summary too
        timebox_set_likelihood(
            timebox=timebox, likelihood=likelihood, reason=likelihood_reason, by=by, at=at
        )
    else:
        refresh(project)
    if readings:
        refresh(project, summary=False, rollups=True)
    return experiment


def timebox_set_likelihood(
    *, timebox: Timebox, likelihood: int, reason: str, by: User, at: datetime.datetime | None = None
) -> Timebox:
    """Record the team's new estimate for the week (the latest call wins, and is in history)."""
    timebox = Timebox.objects.select_for_update().get(pk=timebox.pk)
    timebox.likelihood = likelihood
    timebox.likelihood_reason = reason.strip()[:200]
    timebox.version += 1
    save_revision(timebox, by=by, at=at)
    refresh(timebox.project_id)
    return timebox


# Used by the weekly log page (lifecycle/views/log.py).


@transaction.atomic
def timebox_review_save(
    *,
    project: Project,
    week_start: datetime.date,
    fields: dict[str, Any],
    expected_version: int | None,
    by: User,
) -> Timebox:
    """Save the week's review and likelihood, creating the week's timebox on first use.

    `expected_version` is the version the form was opened at; None when the week had no timebox
    yet. A stale version raises services.EditConflict, like any other document.
    """
    timebox = timebox_for_week(project=project, week_start=week_start, by=by)
    return document_save(
        instance=timebox, fields=fields, expected_version=expected_version or 1, by=by
    )


@transaction.atomic
def experiment_move(*, experiment: Experiment, direction: str, by: User) -> None:
    """Move an experiment one place up (higher priority) or down in its week's plan.

    The plan is renumbered 1..n, so positions stay distinct whatever wrote them. The version is
    left alone: a new priority must not turn someone's open edit of the text into a conflict.
    """
    if direction not in ("up", "down"):
        raise LogError('Move an experiment "up" or "down".')
    plan = list(
        Experiment.objects.select_for_update()
        .filter(timebox_id=experiment.timebox_id)
        .order_by("position", "id")
    )
    index = next((i for i, item in enumerate(plan) if item.pk == experiment.pk), None)
    if index is None:
        return  # deleted meanwhile
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(plan):
        return  # already first (or last): nothing to do
    plan[index], plan[other] = plan[other], plan[index]
    for position, item in enumerate(plan, start=1):
        if item.position != position:
            item.position = position
            item._history_user = by  # type: ignore[attr-defined]  # django-simple-history's author
            item.save(update_fields=["position"])


@transaction.atomic
def experiment_readings_add(
    *, experiment: Experiment, readings: list[ReadingInput], by: User
) -> int:
    """Store readings measured by `experiment`: all of them, or none if any is wrong."""
    rows = _reading_rows(experiment.project_id, readings, by, experiment=experiment)
    _insert_readings(rows)
    refresh(experiment.project_id, summary=False, rollups=True)
    return len(rows)
