"""What the monitoring page shows: the plan, each watched series with its latest production
reading and state, the open alerts and the recently resolved ones. A fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from ..health import RANK
from ..models import (
    Alert,
    AlertStatus,
    Direction,
    MonitoringPlan,
    Project,
    ProjectStatus,
    Reading,
    ReadingSource,
    StageKind,
    WatchedSeries,
)

if TYPE_CHECKING:  # django-stubs' helpers, a development dependency
    from typing import TypedDict

    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

    from ..models import SuccessCriterion

    class _Latest(TypedDict):
        latest_at: datetime.datetime | None
        latest_value: float | None

    # A watched series with its latest production reading (watched_series_with_latest).
    SeriesWithLatest = WithAnnotations[WatchedSeries, _Latest]

RESOLVED_SHOWN = 10
# A series is quiet after its interval plus half of it, and never under an hour.
MIN_GRACE = datetime.timedelta(hours=1)


def monitored_projects() -> QuerySet[Project]:
    """Projects the checks watch: shipped ones, and active ones in the Monitoring stage."""
    return Project.objects.filter(
        Q(status=ProjectStatus.SHIPPED) | Q(status=ProjectStatus.ACTIVE, stage=StageKind.MONITORING)
    )


def grace(expected_every: datetime.timedelta) -> datetime.timedelta:
    return max(MIN_GRACE, expected_every / 2)


def is_breach(value: float, threshold: float, direction: str) -> bool:
    """On the wrong side of the threshold, as the criterion's direction says (equal is fine)."""
    if direction == Direction.LOWER:
        return value > threshold
    return value < threshold


def watched_series_with_latest(project_ids: Iterable[int]) -> QuerySet[SeriesWithLatest]:
    """Watched series of `project_ids` with their criterion and latest production reading
    (`latest_at`, `latest_value`), in one query."""
    latest = Reading.objects.filter(
        criterion_id=OuterRef("criterion_id"), source=ReadingSource.PRODUCTION
    ).order_by("-at", "-id")
    return (
        WatchedSeries.objects.filter(project_id__in=list(project_ids))
        .select_related("criterion")
        .annotate(
            latest_at=Subquery(latest.values("at")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        )
    )


@dataclass
class SeriesRow:
    series: SeriesWithLatest
    state: str  # "ok", "quiet", "breach", "waiting"
    words: str

    @property
    def criterion(self) -> SuccessCriterion:
        return self.series.criterion


def _state(series: SeriesWithLatest, now: datetime.datetime) -> tuple[str, str]:
    criterion = series.criterion
    every = datetime.timedelta(hours=series.expected_every_hours)
    if series.latest_at is None:
        if now - series.watched_since > every + grace(every):
            return "quiet", "No production reading received yet."
        return "waiting", "Waiting for the first production reading."
    if now - series.latest_at > every + grace(every):
        return "quiet", "Readings stopped arriving."
    value = series.latest_value  # from the same reading as latest_at
    if value is not None and is_breach(value, series.alert_threshold, criterion.direction):
        return "breach", "The latest reading is past the alert threshold."
    return "ok", "Readings arrive and are within the threshold."


@dataclass
class MonitoringPage:
    project: Project
    plan: MonitoringPlan | None
    rows: list[SeriesRow]
    unwatched: list
    open_alerts: list[Alert]
    resolved_alerts: list[Alert]
    retrain_due: datetime.date | None
    is_monitored: bool

    @property
    def retrain_overdue(self) -> bool:
        return self.retrain_due is not None and self.retrain_due < timezone.localdate()


def monitoring_page(project: Project, now: datetime.datetime | None = None) -> MonitoringPage:
    now = now or timezone.now()
    plan = MonitoringPlan.objects.filter(project=project).first()
    series = list(watched_series_with_latest([project.pk]))
    watched_ids = {s.criterion_id for s in series}
    unwatched = [c for c in project.criteria.all() if c.pk not in watched_ids]
    alerts = Alert.objects.filter(project=project).select_related("acknowledged_by", "resolved_by")
    open_alerts = sorted(
        alerts.exclude(status=AlertStatus.RESOLVED).order_by("-opened_at", "-id"),
        key=lambda alert: -RANK.get(alert.level, 0),
    )
    resolved = list(
        alerts.filter(status=AlertStatus.RESOLVED).order_by("-resolved_at", "-id")[:RESOLVED_SHOWN]
    )
    return MonitoringPage(
        project=project,
        plan=plan,
        rows=[SeriesRow(s, *_state(s, now)) for s in series],
        unwatched=unwatched,
        open_alerts=open_alerts,
        resolved_alerts=resolved,
        retrain_due=plan.retrain_due() if plan else None,
        is_monitored=project.status == ProjectStatus.SHIPPED
        or (project.status == ProjectStatus.ACTIVE and project.stage == StageKind.MONITORING),
    )
