"""Reads shared by the pages and the API: what a project's log says now, and the home page's
projects with their health."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, OuterRef, Subquery

from accounts.models import User

from ..access import readable_projects
from ..health import Health, project_health
from ..models import (
    Experiment,
    Project,
    ProjectStatus,
    Reading,
    StageKind,
    SuccessCriterion,
    Timebox,
)

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


@dataclass(frozen=True)
class HomeCard:
    """A project on the home page with its health: the board's rule (lifecycle.health) read from
    its summary, so the two pages never disagree; None for a stopped project."""

    project: Project
    health: Health | None


@dataclass(frozen=True)
class Home:
    columns: list[tuple[StageKind, list[HomeCard]]]
    ended: list[HomeCard]
    count: int


def home_projects(user: User | AnonymousUser, today: datetime.date) -> Home:
    """The projects of `user`'s teams (every project for a portfolio manager) by stage, the
    shipped and stopped ones apart, each with its health. One query, however many projects."""
    projects = (
        readable_projects(user).select_related("team", "owner", "board_summary").order_by("name")
    )
    cards = [
        HomeCard(project, project_health(project, getattr(project, "board_summary", None), today))
        for project in projects
    ]
    active = [card for card in cards if card.project.status == ProjectStatus.ACTIVE]
    return Home(
        columns=[(kind, [c for c in active if c.project.stage == kind]) for kind in StageKind],
        ended=[card for card in cards if card.project.status != ProjectStatus.ACTIVE],
        count=len(cards),
    )
