"""Writes to the weekly experiment log: timeboxes, experiments and metric readings.

Used by the log pages and by the API, so both apply the same rules and messages.
"""

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import (
    Experiment,
    Outcome,
    Project,
    Reading,
    ReadingSource,
    SuccessCriterion,
    Timebox,
)

MAX_READINGS_PER_CALL = 1000


class LogError(ValueError):
    """Input the log cannot take; the message says what to change."""


@dataclass(frozen=True)
class ReadingInput:
    criterion: str  # the criterion's name, as on the project page
    value: float
    at: datetime.datetime | None = None
    source: str = ReadingSource.EXPERIMENT


def timebox_for_week(*, project: Project, week_start: datetime.date, by) -> Timebox:
    """The project's timebox for the week starting `week_start`, created on first use."""
    timebox = Timebox.objects.filter(project=project, week_start=week_start).first()
    if timebox:
        return timebox
    try:
        with transaction.atomic():
            timebox = Timebox(project=project, week_start=week_start)
            timebox._history_user = by
            timebox.save()
            return timebox
    except IntegrityError:  # created by a concurrent request a moment ago
        return Timebox.objects.get(project=project, week_start=week_start)


def criteria_by_name(project: Project, names: set[str]) -> dict[str, SuccessCriterion]:
    """The project's criteria for `names` (case-insensitive), or a LogError naming the unknown."""
    known = {c.name.casefold(): c for c in project.criteria.all()}
    unknown = sorted(name for name in names if name.casefold() not in known)
    if unknown:
        choices = ", ".join(f'"{c.name}"' for c in known.values()) or "none yet"
        raise LogError(
            f"Unknown criterion {', '.join(repr(n) for n in unknown)}. "
            f"This project's criteria are: {choices}."
        )
    return {name: known[name.casefold()] for name in names}


def _clean_value(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LogError(f"{where}: the value must be a number, not {value!r}.")
    if not math.isfinite(value):
        raise LogError(f"{where}: the value must be a finite number, not {value}.")
    return float(value)


def _build_readings(
    project: Project, readings: list[ReadingInput], by, experiment: Experiment | None = None
) -> list[Reading]:
    if len(readings) > MAX_READINGS_PER_CALL:
        raise LogError(
            f"{len(readings)} readings in one call; send at most {MAX_READINGS_PER_CALL} "
            "and split the rest into further calls."
        )
    criteria = criteria_by_name(project, {r.criterion for r in readings})
    now = timezone.now()
    rows = []
    for index, reading in enumerate(readings):
        where = f"Reading {index + 1} ({reading.criterion})"
        if reading.source not in ReadingSource.values:
            raise LogError(f'{where}: the source must be "experiment" or "production".')
        if reading.at is not None and timezone.is_naive(reading.at):
            raise LogError(f"{where}: give the time with a time zone, e.g. 2026-11-20T14:00:00Z.")
        rows.append(
            Reading(
                criterion=criteria[reading.criterion],
                project=project,
                experiment=experiment,
                value=_clean_value(reading.value, where),
                at=reading.at or now,
                source=reading.source,
                created_by=by,
            )
        )
    return rows


@transaction.atomic
def readings_add(*, project: Project, readings: list[ReadingInput], by) -> int:
    """Store a batch of readings: all of them, or none if any is wrong."""
    rows = _build_readings(project, readings, by)
    Reading.objects.bulk_create(rows, batch_size=MAX_READINGS_PER_CALL)
    return len(rows)


@transaction.atomic
def experiment_add(
    *,
    project: Project,
    week_start: datetime.date,
    title: str,
    by,
    hypothesis: str = "",
    what_was_done: str = "",
    result: str = "",
    outcome: str = Outcome.PLANNED,
    links: list[str] | None = None,
    readings: list[ReadingInput] | None = None,
    likelihood: int | None = None,
    likelihood_reason: str = "",
) -> Experiment:
    """Add an experiment to the week's plan, with its readings and the week's new likelihood."""
    if not title.strip():
        raise LogError("Give the experiment a title.")
    if outcome not in Outcome.values:
        raise LogError(f"The outcome must be one of: {', '.join(Outcome.values)}.")
    if likelihood is not None and not 0 <= likelihood <= 100:
        raise LogError("The likelihood of success is a percentage from 0 to 100.")
    timebox = timebox_for_week(project=project, week_start=week_start, by=by)
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
        created_by=by,
    )
    experiment._history_user = by
    experiment.save()
    rows = _build_readings(project, list(readings or []), by, experiment=experiment)
    Reading.objects.bulk_create(rows)
    if likelihood is not None:
        timebox_set_likelihood(
            timebox=timebox, likelihood=likelihood, reason=likelihood_reason, by=by
        )
    return experiment


def timebox_set_likelihood(*, timebox: Timebox, likelihood: int, reason: str, by) -> Timebox:
    """Record the team's new estimate for the week (the latest call wins, and is in history)."""
    timebox = Timebox.objects.select_for_update().get(pk=timebox.pk)
    timebox.likelihood = likelihood
    timebox.likelihood_reason = reason.strip()[:200]
    timebox.version += 1
    timebox._history_user = by
    timebox.save()
    return timebox
