"""Reads shared by the pages and the API: what a project's log says now."""

from django.db.models import Max, OuterRef, Subquery

from .models import Experiment, Project, Reading, SuccessCriterion, Timebox


def latest_likelihood(project: Project) -> Timebox | None:
    """The most recent week with a likelihood estimate."""
    return (
        Timebox.objects.filter(project=project, likelihood__isnull=False)
        .order_by("-week_start")
        .first()
    )


def last_log_at(project: Project):
    """When the log last got an experiment, or None."""
    return Experiment.objects.filter(project=project).aggregate(last=Max("created_at"))["last"]


def criteria_with_latest_reading(project: Project) -> list[SuccessCriterion]:
    """The project's criteria, each with `latest_value` and `latest_at` (None without readings)."""
    latest = Reading.objects.filter(criterion=OuterRef("pk")).order_by("-at", "-id")
    return list(
        SuccessCriterion.objects.filter(project=project).annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_at=Subquery(latest.values("at")[:1]),
        )
    )
