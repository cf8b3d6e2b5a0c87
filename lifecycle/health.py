"""A project's health: on track, at risk, off track or stale, with the reasons in words.

One function decides it for the board, the table, the CSV and the project page, from the facts
in ProjectSummary and today's date, so it stays right as days pass without any write.

The rules (each reason has a level; the project takes the worst):
- an open blocker: off track;
- the current stage past its planned end: at risk, off track after OVERDUE_OFF_TRACK_DAYS;
- the likelihood of success falling by LIKELIHOOD_DROP_AT_RISK points or more over the last
  TREND_WEEKS estimates: at risk, by LIKELIHOOD_DROP_OFF_TRACK or more: off track; and a
  latest estimate under LOW_LIKELIHOOD: off track;
- no weekly log last week: at risk; no log for STALE_AFTER_MISSED_WEEKS weeks or more: stale
  (what the board says is out of date);
- an unresolved monitoring alert (lifecycle.services.monitoring): the level it implies, with its
  title as the reason. Shipped projects are judged by their alerts alone (on track without any);
  stopped projects have no health.
Off track outranks stale (a known problem says more than an unknown one); stale outranks at risk.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.utils import timezone

from .models import ProjectStatus, StageKind
from .weeks import week_start

ON_TRACK, AT_RISK, OFF_TRACK, STALE = "on_track", "at_risk", "off_track", "stale"
LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", OFF_TRACK: "Off track", STALE: "Stale"}
CHOICES = list(LABELS.items())
RANK = {ON_TRACK: 0, AT_RISK: 1, STALE: 2, OFF_TRACK: 3}

OVERDUE_OFF_TRACK_DAYS = 14
TREND_WEEKS = 4
LIKELIHOOD_DROP_AT_RISK = 10
LIKELIHOOD_DROP_OFF_TRACK = 20
LOW_LIKELIHOOD = 30
STALE_AFTER_MISSED_WEEKS = 2


@dataclass(frozen=True)
class Reason:
    level: str
    text: str


@dataclass(frozen=True)
class Health:
    level: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.level]

    @property
    def explanation(self) -> str:
        """The reasons in one line, e.g. for a title attribute and the CSV."""
        return "; ".join(reason.text for reason in self.reasons)


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%b}"


def likelihood_drop(values: list[int]) -> int:
    """How far the latest estimate is below the highest of the last TREND_WEEKS (0 if not)."""
    if not values:
        return 0
    return max(values[-TREND_WEEKS:]) - values[-1]


def quiet_since(last_log: datetime.date | None, created: datetime.date) -> datetime.date:
    """The day missed weeks are counted from: the last log, or a week before the project was
    created (so a project is not behind in the week it starts)."""
    return last_log or created - datetime.timedelta(days=7)


def missed_weeks(since: datetime.date, today: datetime.date) -> int:
    """Whole ISO weeks without a log after `since`'s week and before this (unfinished) one."""
    return max(0, (week_start(today) - week_start(since)).days // 7 - 1)


def project_health(project, summary, today: datetime.date | None = None) -> Health | None:
    """The health of an active project (None for shipped or stopped ones).

    `project` needs status, stage, blocker and created_at; `summary` is its ProjectSummary (or
    anything with the same fields), None when it was never summarised (read as "nothing logged").
    health_level_sql() must decide the same level: tests/lifecycle/test_portfolio_health.py
    checks that they agree.
    """
    if project.status == ProjectStatus.STOPPED:
        return None
    alerts = [Reason(level, text) for level, text in (summary.alerts if summary else [])]
    if project.status == ProjectStatus.SHIPPED:
        if not alerts:
            return Health(ON_TRACK, [Reason(ON_TRACK, "Live, with no open monitoring alerts")])
        return Health(alerts[0].level, sorted(alerts, key=lambda reason: -RANK[reason.level]))
    today = today or timezone.localdate()
    reasons: list[Reason] = list(alerts)
    if project.blocker:
        reasons.append(Reason(OFF_TRACK, f"Blocked: {project.blocker}"))

    reasons += _overdue(project, summary, today)
    reasons += _likelihood(summary)
    reasons += _quiet(project, summary, today)

    if not reasons:
        return Health(ON_TRACK, [Reason(ON_TRACK, "Logged weekly, stage on time, no blocker")])
    reasons.sort(key=lambda reason: -RANK[reason.level])
    return Health(reasons[0].level, reasons)


def _overdue(project, summary, today: datetime.date) -> list[Reason]:
    planned_end = summary.stage_planned_end if summary else None
    if not planned_end or planned_end >= today or summary.stage_done:
        return []
    late = (today - planned_end).days
    level = OFF_TRACK if late > OVERDUE_OFF_TRACK_DAYS else AT_RISK
    stage = StageKind(project.stage).label
    days = "day" if late == 1 else "days"
    return [Reason(level, f"{stage} is {late} {days} past its planned end ({_day(planned_end)})")]


def _likelihood(summary) -> list[Reason]:
    values = summary.likelihood_values if summary else []
    if not values:
        return []
    reasons = []
    latest, drop = values[-1], likelihood_drop(values)
    if latest < LOW_LIKELIHOOD:
        reasons.append(Reason(OFF_TRACK, f"Likelihood of success is only {latest} %"))
    if drop >= LIKELIHOOD_DROP_AT_RISK:
        level = OFF_TRACK if drop >= LIKELIHOOD_DROP_OFF_TRACK else AT_RISK
        weeks = len(values[-TREND_WEEKS:])
        reasons.append(
            Reason(level, f"Likelihood fell {drop} points in {weeks} weeks (now {latest} %)")
        )
    return reasons


def _quiet(project, summary, today: datetime.date) -> list[Reason]:
    last_log = timezone.localdate(summary.last_log_at) if summary and summary.last_log_at else None
    since = summary.quiet_since if summary and summary.quiet_since else None
    since = since or quiet_since(last_log, timezone.localdate(project.created_at))
    missed = missed_weeks(since, today)
    if missed >= STALE_AFTER_MISSED_WEEKS:
        when = f"last on {_day(last_log)}" if last_log else "none yet"
        return [Reason(STALE, f"No weekly log for {missed} weeks ({when})")]
    if missed == 1:
        return [Reason(AT_RISK, "No weekly log last week")]
    return []


def _health_case(today: datetime.date, values: dict, ended, output_field, prefix: str) -> Case:
    """project_health's decision as a database expression on Project: `values[level]` for each
    level, `ended` for shipped and stopped projects."""
    s = prefix
    this_week = week_start(today)
    overdue = Q(**{f"{s}stage_planned_end__lt": today, f"{s}stage_done": False})
    alert_off_track = Q(**{f"{s}alert_level": OFF_TRACK})
    alert_at_risk = Q(**{f"{s}alert_level": AT_RISK})
    off_track = (
        alert_off_track
        | Q(**{f"{s}stage_planned_end__lt": today - datetime.timedelta(OVERDUE_OFF_TRACK_DAYS)})
        & Q(**{f"{s}stage_done": False})
        | ~Q(blocker="")
        | Q(**{f"{s}likelihood_latest__lt": LOW_LIKELIHOOD})
        | Q(**{f"{s}likelihood_drop__gte": LIKELIHOOD_DROP_OFF_TRACK})
    )
    # Weeks are Monday-aligned, so missed_weeks(day) >= 2 exactly when day < this Monday - 14,
    # and >= 1 exactly when day < this Monday - 7.
    stale = Q(**{f"{s}quiet_since__lt": this_week - datetime.timedelta(days=14)})
    at_risk = (
        alert_at_risk
        | overdue
        | Q(**{f"{s}likelihood_drop__gte": LIKELIHOOD_DROP_AT_RISK})
        | Q(**{f"{s}quiet_since__lt": this_week - datetime.timedelta(days=7)})
    )
    return Case(
        When(Q(status=ProjectStatus.STOPPED), then=Value(ended)),
        When(Q(status=ProjectStatus.SHIPPED) & alert_off_track, then=Value(values[OFF_TRACK])),
        When(Q(status=ProjectStatus.SHIPPED) & alert_at_risk, then=Value(values[AT_RISK])),
        When(Q(status=ProjectStatus.SHIPPED), then=Value(values[ON_TRACK])),
        When(off_track, then=Value(values[OFF_TRACK])),
        When(stale, then=Value(values[STALE])),
        When(at_risk, then=Value(values[AT_RISK])),
        default=Value(values[ON_TRACK]),
        output_field=output_field,
    )


def health_level_sql(today: datetime.date, prefix: str = "board_summary__") -> Case:
    """project_health's level as a database expression on Project, for filtering and counting
    thousands of projects without loading them (NULL for stopped projects)."""
    return _health_case(today, {level: level for level in LABELS}, None, CharField(), prefix)


def health_rank_sql(today: datetime.date, prefix: str = "board_summary__") -> Case:
    """RANK of the level (-1 for stopped projects), for sorting the worst first."""
    return _health_case(today, RANK, -1, IntegerField(), prefix)
