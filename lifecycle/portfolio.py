"""Reads of the portfolio board: one card per project, filtered, sorted and paged.

The board reads one light row per visible project (project, team, owner and its ProjectSummary in
one query), works out health in Python, then reads the primary business criterion's progress for
the projects on the page only (one more query). So the number of queries does not grow with the
portfolio, and nothing here touches the experiment log or the readings.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from . import health as health_rules
from .health import Health, project_health
from .models import (
    CriterionKind,
    Project,
    ProjectStatus,
    Reading,
    StageKind,
    StopReason,
    SuccessCriterion,
)

# Board columns: the five stages of active projects, then the ended ones.
SHIPPED, STOPPED = ProjectStatus.SHIPPED.value, ProjectStatus.STOPPED.value
COLUMNS = [(kind.value, kind.label) for kind in StageKind] + [
    (SHIPPED, "Shipped"),
    (STOPPED, "Stopped"),
]
COLUMN_LABELS = dict(COLUMNS)
CARDS_PER_COLUMN = 10
ROWS_PER_PAGE = 50


@dataclass
class Facts:
    """The summarised facts health needs (the same names as ProjectSummary's)."""

    last_log_at: datetime.datetime | None
    likelihoods: list
    stage_started: datetime.date | None
    stage_planned_start: datetime.date | None
    stage_planned_end: datetime.date | None
    stage_done: bool
    open_high_risks: int

    @property
    def likelihood_values(self) -> list[int]:
        return [value for _, value in self.likelihoods]


@dataclass
class Progress:
    """The primary business criterion and how far its latest reading went toward the target."""

    name: str
    unit: str
    baseline: float | None
    target: float
    latest: float | None

    @property
    def fraction(self) -> float | None:
        """0 at the baseline, 1 at the target (either direction); None without both ends."""
        if self.latest is None or self.baseline is None or self.target == self.baseline:
            return None
        share = (self.latest - self.baseline) / (self.target - self.baseline)
        return max(0.0, min(1.0, share))

    @property
    def percent(self) -> int | None:
        return None if self.fraction is None else round(self.fraction * 100)


@dataclass
class Card:
    pk: int
    name: str
    slug: str
    team: str
    team_slug: str
    owner: str
    owner_username: str
    stage: str
    status: str
    blocker: str
    created_at: datetime.datetime
    ended_stage: str
    stop_reason: str
    ended_at: datetime.datetime | None
    summary: Facts
    today: datetime.date
    health: Health | None = None
    progress: Progress | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def column(self) -> str:
        return self.stage if self.status == ProjectStatus.ACTIVE else self.status

    @property
    def stage_label(self) -> str:
        return StageKind(self.stage).label

    @property
    def status_label(self) -> str:
        return ProjectStatus(self.status).label

    @property
    def stop_reason_label(self) -> str:
        return StopReason(self.stop_reason).label if self.stop_reason else ""

    @property
    def ended_stage_label(self) -> str:
        return StageKind(self.ended_stage).label if self.ended_stage else ""

    @property
    def health_level(self) -> str:
        return self.health.level if self.health else ""

    @property
    def days_in_stage(self) -> int | None:
        started = self.summary.stage_started
        return (self.today - started).days if started else None

    @property
    def planned_days(self) -> int | None:
        start = self.summary.stage_planned_start or self.summary.stage_started
        end = self.summary.stage_planned_end
        return (end - start).days if start and end and end >= start else None

    @property
    def last_log(self) -> datetime.date | None:
        at = self.summary.last_log_at
        return timezone.localdate(at) if at else None

    @property
    def likelihood(self) -> int | None:
        values = self.summary.likelihood_values
        return values[-1] if values else None

    @property
    def sparkline(self) -> str:
        """SVG polyline points (viewBox 0 0 60 20) of the recent likelihoods, "" below two."""
        values = self.summary.likelihood_values
        if len(values) < 2:
            return ""
        step = 60 / (len(values) - 1)
        return " ".join(f"{i * step:.1f},{20 - value / 5:.1f}" for i, value in enumerate(values))

    @property
    def trend(self) -> str:
        values = self.summary.likelihood_values
        if len(values) < 2:
            return ""
        change = values[-1] - values[0]
        if change == 0:
            return f"steady over {len(values)} weeks"
        return f"{'up' if change > 0 else 'down'} {abs(change)} points in {len(values)} weeks"


ROW_FIELDS = (
    "pk",
    "name",
    "slug",
    "team__name",
    "team__slug",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "stage",
    "status",
    "blocker",
    "created_at",
    "ended_stage",
    "stop_reason",
    "ended_at",
    "board_summary__last_log_at",
    "board_summary__likelihoods",
    "board_summary__stage_started",
    "board_summary__stage_planned_start",
    "board_summary__stage_planned_end",
    "board_summary__stage_done",
    "board_summary__open_high_risks",
)


@dataclass
class Filters:
    team: str = ""
    owner: str = ""
    stage: str = ""
    health: str = ""
    status: str = ""
    q: str = ""

    def apply(self, projects):
        """The filters that SQL can apply (all but health)."""
        if self.team:
            projects = projects.filter(team__slug=self.team)
        if self.owner:
            projects = projects.filter(owner__username=self.owner)
        if self.stage:
            projects = projects.filter(stage=self.stage)
        if self.status:
            projects = projects.filter(status=self.status)
        if self.q:
            text = self.q
            projects = projects.filter(
                Q(name__icontains=text)
                | Q(summary__icontains=text)
                | Q(team__name__icontains=text)
                | Q(owner__username__icontains=text)
                | Q(owner__first_name__icontains=text)
                | Q(owner__last_name__icontains=text)
                | Q(blocker__icontains=text)
            )
        return projects


def cards(user, filters: Filters, today: datetime.date | None = None) -> list[Card]:
    """Every project `user` may see that passes `filters`, with its health (one query)."""
    today = today or timezone.localdate()
    rows = filters.apply(Project.objects.visible_to(user)).order_by().values_list(*ROW_FIELDS)
    result = []
    for row in rows:
        (pk, name, slug, team, team_slug, first, last, username, stage, status, blocker) = row[:11]
        created_at, ended_stage, stop_reason, ended_at = row[11:15]
        likelihoods = row[16] or []
        facts = Facts(row[15], likelihoods, row[17], row[18], row[19], bool(row[20]), row[21] or 0)
        card = Card(
            pk=pk,
            name=name,
            slug=slug,
            team=team,
            team_slug=team_slug,
            owner=f"{first} {last}".strip() or (username or ""),
            owner_username=username or "",
            stage=stage,
            status=status,
            blocker=blocker,
            created_at=created_at,
            ended_stage=ended_stage,
            stop_reason=stop_reason,
            ended_at=ended_at,
            summary=facts,
            today=today,
        )
        card.health = project_health(card, facts, today)
        if filters.health and card.health_level != filters.health:
            continue
        result.append(card)
    return result


def _none_last(value, descending: bool):
    # Sort keys that put missing values last whatever the direction.
    if value is None:
        return (1, 0)
    return (0, -value if descending and isinstance(value, int | float) else value)


SORTS = {
    "name": lambda c: c.name.casefold(),
    "team": lambda c: (c.team.casefold(), c.name.casefold()),
    "owner": lambda c: (c.owner.casefold(), c.name.casefold()),
    "stage": lambda c: (list(COLUMN_LABELS).index(c.column), c.name.casefold()),
    "health": lambda c: (-health_rules.RANK.get(c.health_level, -1), c.name.casefold()),
    "days": lambda c: c.days_in_stage if c.days_in_stage is not None else -1,
    "last_log": lambda c: c.last_log or datetime.date.min,
    "likelihood": lambda c: c.likelihood if c.likelihood is not None else -1,
    "risks": lambda c: c.summary.open_high_risks,
}
SORT_LABELS = {
    "name": "Project",
    "team": "Team",
    "owner": "Owner",
    "stage": "Stage",
    "health": "Health",
    "days": "Days in stage",
    "last_log": "Last log",
    "likelihood": "Likelihood",
    "risks": "High risks",
}


def sort_cards(items: list[Card], sort: str) -> list[Card]:
    """`sort` is a key of SORTS, with a leading "-" for descending; unknown keys sort by name."""
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    return sorted(items, key=key, reverse=descending)


def column_order(items: Iterable[Card]) -> list[Card]:
    """Cards in a column: the worst health first, so problems are at the top."""
    return sorted(
        items, key=lambda c: (-health_rules.RANK.get(c.health_level, -1), c.name.casefold())
    )


def attach_progress(items: list[Card]) -> None:
    """Set `progress` on each card from its first business criterion (one query)."""
    if not items:
        return
    latest = Reading.objects.filter(criterion=OuterRef("pk")).order_by("-at", "-id")
    criteria = (
        SuccessCriterion.objects.filter(
            project_id__in=[c.pk for c in items], kind=CriterionKind.BUSINESS
        )
        .order_by("project_id", "position", "id")
        .annotate(latest_value=Subquery(latest.values("value")[:1]))
        .values_list("project_id", "name", "unit", "baseline", "target", "latest_value")
    )
    primary: dict[int, Progress] = {}
    for project_id, name, unit, baseline, target, value in criteria:
        primary.setdefault(project_id, Progress(name, unit, baseline, target, value))
    for card in items:
        card.progress = primary.get(card.pk)


def health_counts(items: Iterable[Card]) -> list[tuple[str, str, int]]:
    counts = dict.fromkeys(health_rules.LABELS, 0)
    for card in items:
        if card.health:
            counts[card.health.level] += 1
    order = [
        health_rules.OFF_TRACK,
        health_rules.STALE,
        health_rules.AT_RISK,
        health_rules.ON_TRACK,
    ]
    return [(level, health_rules.LABELS[level], counts[level]) for level in order]
