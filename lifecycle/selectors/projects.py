"""Reads shared by the pages and the API: what a project's log says now."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Max, OuterRef, Subquery

from ..models import Experiment, Project, Reading, SuccessCriterion, Timebox

if TYPE_CHECKING:  # django-stubs' helpers, a development dependency
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _Latest(TypedDict):
        latest_value: float | None
        latest_at: datetime.datetime | None

    CriterionWithLatest = WithAnnotations[SuccessCriterion, _Latest]


def latest_likelihood(project: Project) -> Timebox | None:
    """The most recent week with a likelihood estimate."""
    return (
        Timebox.objects.filter(project=project, likelihood__isnull=False)
        .order_by("-week_start")
        .first()
    )


def last_log_at(project: Project) -> datetime.datetime | None:
    """When the log last got an experiment, or None."""
    last: datetime.datetime | None = Experiment.objects.filter(project=project).aggregate(
        last=Max("created_at")
    )["last"]
    return last


def criteria_with_latest_reading(project: Project) -> list[CriterionWithLatest]:
    """The project's criteria, each with `latest_value` and `latest_at` (None without readings)."""
    latest = Reading.objects.filter(criterion=OuterRef("pk")).order_by("-at", "-id")
    return list(
        SuccessCriterion.objects.filter(project=project).annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_at=Subquery(latest.values("at")[:1]),
        )
    )
