"""Reads of the portfolio board: one card per project, filtered, sorted and paged.

The database does the work that touches every project: filters, search, health level (the rules of
lifecycle.health as an SQL expression over ProjectSummary), counts per column and health, sorting,
paging and the first cards of each column (a window function). Python then builds the cards of
the page only, with health reasons, and reads their primary business criterion's progress in one
more query. So the number of queries and the work per request hardly grow with the portfolio,
and nothing here reads the experiment log or the readings table beyond the page's criteria.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Lower, RowNumber
from django.urls import reverse
from django.utils import timezone

from plumbing.numbers import number

from . import health as health_rules
from .access import readable_projects
from .health import Health, health_level_sql, health_rank_sql, project_health
from .models import (
    CriterionKind,
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
CARDS_PER_COLUMN = 8
ROWS_PER_PAGE = 50
PROJECTS_URL = (
    "/projects/"  # checked against the URLconf in tests/lifecycle/test_portfolio_board.py
)


@dataclass
class Facts:
    """The summarised facts health needs (the same names as ProjectSummary's)."""

    last_log_at: datetime.datetime | None
    quiet_since: datetime.date | None
    likelihoods: list
    stage_started: datetime.date | None
    stage_planned_start: datetime.date | None
    stage_planned_end: datetime.date | None
    stage_done: bool
    open_high_risks: int
    alerts: list = field(default_factory=list)

    @cached_property
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

    @property
    def text(self) -> str:
        if self.percent is not None:
            return f"{self.percent} % to target"
        target = f"{number(self.target)} {self.unit}".strip()
        if self.latest is not None:
            return f"{number(self.latest)} of {target}"
        return f"no reading yet · target {target}"


@lru_cache(maxsize=1)
def _project_url_prefix() -> str:
    """The project page's URL without the slug: one reverse() for all the cards."""
    return reverse("lifecycle:project_detail", args=["-"])[:-2]


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

    # Display strings, worked out here rather than in the template: the board shows dozens of
    # cards, and each template lookup or filter costs more than the Python.

    @property
    def url(self) -> str:
        return _project_url_prefix() + f"{self.slug}/"

    @property
    def tone(self) -> str:
        return self.health.level if self.health else self.status

    @property
    def team_and_owner(self) -> str:
        return f"{self.team} · {self.owner}" if self.owner else self.team

    @property
    def why(self) -> str:
        """The main reason a project is not on track, for the card's face."""
        if not self.health or self.health.level == health_rules.ON_TRACK:
            return ""
        reasons = self.health.reasons
        more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
        return reasons[0].text + more

    @property
    def is_late(self) -> bool:
        return (
            self.status == ProjectStatus.ACTIVE
            and self.planned_days is not None
            and self.days_in_stage is not None
            and self.days_in_stage > self.planned_days
        )

    @property
    def stage_text(self) -> str:
        if self.status == ProjectStatus.STOPPED:
            return f"Stopped in {self.ended_stage_label}: {self.stop_reason_label.lower()}"
        if self.status == ProjectStatus.SHIPPED:
            ended = timezone.localdate(self.ended_at) if self.ended_at else None
            return f"Shipped {ended:%-d %b %Y}, monitored" if ended else "Shipped, monitored"
        text = self.stage_label
        if self.days_in_stage is not None:
            text += f" · day {self.days_in_stage}"
            if self.planned_days is not None:
                text += f" of {self.planned_days} planned"
        return text

    @property
    def last_log_text(self) -> str:
        return f"{self.last_log:%-d %b}" if self.last_log else "never"

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

    @cached_property
    def health_level(self) -> str:
        return self.health.level if self.health else ""

    @cached_property
    def days_in_stage(self) -> int | None:
        started = self.summary.stage_started
        return (self.today - started).days if started else None

    @cached_property
    def planned_days(self) -> int | None:
        start = self.summary.stage_planned_start or self.summary.stage_started
        end = self.summary.stage_planned_end
        return (end - start).days if start and end and end >= start else None

    @cached_property
    def last_log(self) -> datetime.date | None:
        at = self.summary.last_log_at
        return timezone.localdate(at) if at else None

    @cached_property
    def likelihood(self) -> int | None:
        values = self.summary.likelihood_values
        return values[-1] if values else None

    @cached_property
    def sparkline(self) -> str:
        """SVG polyline points (viewBox 0 0 60 20) of the recent likelihoods, "" below two."""
        values = self.summary.likelihood_values
        if len(values) < 2:
            return ""
        step = 60 / (len(values) - 1)
        return " ".join(f"{i * step:.1f},{20 - value / 5:.1f}" for i, value in enumerate(values))

    @cached_property
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
    "board_summary__quiet_since",
    "board_summary__likelihoods",
    "board_summary__stage_started",
    "board_summary__stage_planned_start",
    "board_summary__stage_planned_end",
    "board_summary__stage_done",
    "board_summary__open_high_risks",
    "board_summary__alerts",
)


@dataclass
class Filters:
    team: str = ""
    owner: str = ""
    stage: str = ""
    health: str = ""
    status: str = ""
    q: str = ""
    alerts: str = ""  # "open": with unresolved monitoring alerts; "none": without

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
        if self.alerts == "open":
            projects = projects.filter(board_summary__alert_level__gt="")
        elif self.alerts == "none":
            projects = projects.filter(board_summary__alert_level="")
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


# Which board column a project is in: its stage while active, else "shipped" or "stopped".
COLUMN_KEY = Case(When(status=ProjectStatus.ACTIVE, then=F("stage")), default=F("status"))


def board_projects(user, filters: Filters, today: datetime.date):
    """The projects `user` may see that pass `filters`, annotated with `health_level` and
    `column_key`; nothing is read until the queryset is used."""
    projects = filters.apply(readable_projects(user)).annotate(
        health_level=health_level_sql(today), column_key=COLUMN_KEY
    )
    if filters.health:
        projects = projects.filter(health_level=filters.health)
    return projects


def to_cards(projects, today: datetime.date) -> list[Card]:
    """Cards, with health and its reasons, for the projects of `projects` (one query)."""
    result = []
    for row in projects.values_list(*ROW_FIELDS):
        (pk, name, slug, team, team_slug, first, last, username, stage, status, blocker) = row[:11]
        created_at, ended_stage, stop_reason, ended_at = row[11:15]
        facts = Facts(
            row[15],
            row[16],
            row[17] or [],
            row[18],
            row[19],
            row[20],
            bool(row[21]),
            row[22] or 0,
            row[23] or [],
        )
        card = Card(
            pk=pk,
            name=name,
            slug=slug,
            team=team,
            team_slug=team_slug,
            owner=f"{first or ''} {last or ''}".strip() or (username or ""),
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
        result.append(card)
    return result


def counts(projects) -> tuple[dict[str, int], dict[str, int]]:
    """Projects per column and per health level (one query)."""
    by_column = dict.fromkeys(COLUMN_LABELS, 0)
    by_health = dict.fromkeys(health_rules.LABELS, 0)
    rows = projects.order_by().values("column_key", "health_level").annotate(n=Count("pk"))
    for row in rows:
        by_column[row["column_key"]] += row["n"]
        if row["health_level"]:
            by_health[row["health_level"]] += row["n"]
    return by_column, by_health


def column_cards(projects, offset: int, limit: int, today: datetime.date, only: str = ""):
    """Cards `offset`..`offset + limit` of each column (of `only`), the worst health first, so
    problems are at the top (two queries: a window function ranks, then the rows are read)."""
    if only:
        projects = projects.filter(column_key=only)
    ranked = projects.annotate(
        health_rank=health_rank_sql(today),
        place=Window(
            RowNumber(),
            partition_by=[F("column_key")],
            order_by=[F("health_rank").desc(), Lower("name").asc(), F("pk").asc()],
        ),
    ).filter(place__gt=offset, place__lte=offset + limit)
    # Rank on a narrow row (the ids), then read the full rows of the few chosen: ranking the
    # full rows would make SQLite build every project's row, JSON and all, before filtering.
    places = dict(ranked.values_list("pk", "place"))
    by_column: dict[str, list[Card]] = {key: [] for key in COLUMN_LABELS}
    chosen = projects.filter(pk__in=list(places))
    cards = sorted(to_cards(chosen, today), key=lambda card: places[card.pk])
    for card in cards:
        by_column[card.column].append(card)
    return by_column, cards


STAGE_ORDER = Case(
    *(When(column_key=key, then=Value(i)) for i, key in enumerate(COLUMN_LABELS)),
    default=Value(len(COLUMN_LABELS)),
)
# Each sort: the expressions of the ascending order. Missing values come last either way.
SORTS: dict[str, list[Any]] = {
    "name": [Lower("name")],
    "team": [Lower("team__name"), Lower("name")],
    "owner": [Lower("owner__first_name"), Lower("owner__last_name"), Lower("name")],
    "stage": [STAGE_ORDER, Lower("name")],
    "health": [F("health_rank").desc(), Lower("name")],
    "days": [F("board_summary__stage_started").desc(nulls_last=True)],
    "last_log": [F("board_summary__last_log_at").asc(nulls_last=True)],
    "likelihood": [F("board_summary__likelihood_latest").asc(nulls_last=True)],
    "risks": [F("board_summary__open_high_risks").asc(nulls_last=True)],
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


def _flipped(expression):
    if hasattr(expression, "descending"):  # an OrderBy: reverse it, missing values still last
        flipped = expression.copy()
        flipped.descending = not expression.descending
        return flipped
    return expression.desc()


def sort_projects(projects, sort: str, today: datetime.date):
    """`sort` is a key of SORTS, with a leading "-" for descending; unknown keys sort by name."""
    if sort.lstrip("-") == "health":
        projects = projects.annotate(health_rank=health_rank_sql(today))
    descending = sort.startswith("-")
    order = SORTS.get(sort.lstrip("-"), SORTS["name"])
    if descending:
        order = [_flipped(expression) for expression in order]
    return projects.order_by(*order, "pk")


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


def health_counts(by_health: dict[str, int]) -> list[tuple[str, str, int]]:
    order = [
        health_rules.OFF_TRACK,
        health_rules.STALE,
        health_rules.AT_RISK,
        health_rules.ON_TRACK,
    ]
    return [(level, health_rules.LABELS[level], by_health[level]) for level in order]
