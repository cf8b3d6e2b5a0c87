"""Monitoring of live projects: the plan's writes, and the checks that open and resolve alerts.

`monitoring_run()` is one pass over every monitored project (shipped, or still active in the
Monitoring stage). It runs every MONITORING_EVERY_MINUTES from Celery beat, and from
`manage.py run_monitoring` where there is no broker. Each finding is one of:

- a quiet series: no production reading of a watched criterion for longer than its expected
  interval plus a grace (half the interval, at least an hour); the hidden failure, off track;
- a threshold breach: the latest production reading on the wrong side of the series' alert
  threshold (below it when higher is better, above it when lower is better); off track;
- a stale model: the plan's retraining is overdue (trained on + cadence before today); at risk;
- drift: a live dataset of one of the project's demos whose scores drifted from the version it
  serves (demos' stored PSI figure): moderate is at risk, significant off track.

A finding opens one Alert. While it persists the same alert is kept (its title and figure follow
the condition); when it clears the checks resolve the alert themselves and say so. The pass reads
a fixed number of queries however many projects there are, and writes in bulk.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Notification, NotificationKind, User
from accounts.services.notifications import notify_each
from plumbing.revisions import save_revision

from ..access import EDITOR_ROLES
from ..health import AT_RISK, OFF_TRACK
from ..models import (
    Alert,
    AlertKind,
    AlertStatus,
    Audience,
    Direction,
    MonitoringPlan,
    Project,
    ProjectStatus,
    SuccessCriterion,
    WatchedSeries,
)
from ..selectors.monitoring import (
    grace,
    is_breach,
    monitored_projects,
    watched_series_with_latest,
)
from . import EditConflict, document_save
from .derived import refresh

if TYPE_CHECKING:
    from ..selectors.monitoring import SeriesWithLatest


class MonitoringError(ValueError):
    """A monitoring plan change the project's state does not allow; the message says why."""


# Writes -----------------------------------------------------------------------------------------


@transaction.atomic
def watched_series_add(
    *, project: Project, fields: dict[str, Any], by: User, at: datetime.datetime | None = None
) -> WatchedSeries:
    """Watch a criterion in production, from `at` (default now) unless `fields` say since when."""
    criterion: SuccessCriterion = fields["criterion"]
    if criterion.project_id != project.pk:
        raise MonitoringError("Pick one of this project's success criteria.")
    if WatchedSeries.objects.filter(criterion=criterion).exists():
        raise MonitoringError(f"“{criterion.name}” is already watched; edit it instead.")
    if at is not None:
        fields = {"watched_since": at} | fields
    series = WatchedSeries(project=project, **fields)
    save_revision(series, by=by, at=at)
    return series


def watched_series_save(
    *, series: WatchedSeries, fields: dict[str, Any], expected_version: int, by: User
) -> WatchedSeries:
    """Edit a watched series (EditConflict when someone saved it since `expected_version`)."""
    if "criterion" in fields and fields["criterion"].project_id != series.project_id:
        raise MonitoringError("Pick one of this project's success criteria.")
    return document_save(instance=series, fields=fields, expected_version=expected_version, by=by)


@transaction.atomic
def monitoring_plan_save(
    *,
    project: Project,
    fields: dict[str, Any],
    expected_version: int | None,
    by: User,
    at: datetime.datetime | None = None,
) -> MonitoringPlan:
    """Save the plan, creating it on the first save (`expected_version` None: the editor saw no
    plan). EditConflict when someone saved or created it since."""
    plan = MonitoringPlan.objects.filter(project=project).first()
    if plan is not None:
        return document_save(
            instance=plan, fields=fields, expected_version=expected_version or 0, by=by, at=at
        )
    if expected_version not in (None, 1):
        raise EditConflict(None)
    plan = MonitoringPlan(project=project, **fields)
    try:
        with transaction.atomic():
            save_revision(plan, by=by, at=at)
    except IntegrityError:  # someone created it at the same moment
        raise EditConflict(MonitoringPlan.objects.get(project=project)) from None
    return plan


@transaction.atomic
def watched_series_delete(
    *, series: WatchedSeries, expected_version: int, by: User, at: datetime.datetime | None = None
) -> None:
    """Stop watching a criterion; its unresolved alerts are resolved, saying why. A shipped
    project keeps at least one watched series."""
    project = Project.objects.select_for_update().get(pk=series.project_id)
    current = WatchedSeries.objects.filter(pk=series.pk).first()
    if current is None:
        return  # already gone: deleting twice is not an error
    if current.version != expected_version:
        raise EditConflict(current)
    others = WatchedSeries.objects.filter(project=project).exclude(pk=current.pk)
    if project.status == ProjectStatus.SHIPPED and not others.exists():
        raise MonitoringError(
            "A live project needs at least one watched criterion: watch another one before "
            "you stop watching this."
        )
    Alert.objects.unresolved().filter(
        project=project, subject=f"criterion:{current.criterion_id}"
    ).update(
        status=AlertStatus.RESOLVED,
        resolved_at=at or timezone.now(),
        resolved_by=by,
        resolve_note="Resolved: the criterion is no longer watched.",
    )
    current._history_user = by  # type: ignore[attr-defined]  # django-simple-history's author
    current.delete()
    refresh(project)


@transaction.atomic
def alert_acknowledge(
    *, alert: Alert, by: User, note: str, at: datetime.datetime | None = None
) -> Alert:
    """Someone is on it: the alert stays until its condition clears (or someone resolves it)."""
    note = note.strip()
    if not note:
        raise MonitoringError("Say what you are doing about it, in a line, when you acknowledge.")
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise MonitoringError(f"This alert is already {alert.get_status_display().lower()}.")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = at or timezone.now()
    alert.acknowledged_by = by
    alert.acknowledge_note = note
    alert.save()
    return alert


@transaction.atomic
def alert_resolve(
    *, alert: Alert, by: User, note: str, at: datetime.datetime | None = None
) -> Alert:
    """Closed by a person. If the condition is still there, the next pass opens a new alert."""
    note = note.strip()
    if not note:
        raise MonitoringError("Say in a line what fixed it, so the next person knows.")
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.is_resolved:
        raise MonitoringError("This alert is already resolved.")
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = at or timezone.now()
    alert.resolved_by = by
    alert.resolve_note = note
    alert.save()
    refresh(alert.project_id)
    return alert


# The checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    project_id: int
    kind: str
    subject: str
    level: str
    title: str
    figure: float | None = None
    tell: str = Audience.EDITORS

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.project_id, self.kind, self.subject)


@dataclass(frozen=True)
class RunResult:
    projects: int
    series: int
    opened: int
    updated: int
    resolved: int


def _ago(delta: datetime.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 48:
        whole = max(1, int(hours))
        return f"{whole} hour{'s' if whole != 1 else ''}"
    days = int(hours // 24)
    return f"{days} days"


def _every(hours: int) -> str:
    if hours % 24 == 0:
        days = hours // 24
        return "every day" if days == 1 else f"every {days} days"
    return "every hour" if hours == 1 else f"every {hours} hours"


def _value(value: float, unit: str) -> str:
    return f"{value:,.4g} {unit}".strip()


def _day(moment: datetime.datetime) -> str:
    day = timezone.localtime(moment)
    return f"{day.day} {day:%b %H:%M}"


def _series_findings(
    series_rows: Iterable[SeriesWithLatest], now: datetime.datetime
) -> list[Finding]:
    findings = []
    for series in series_rows:
        criterion = series.criterion
        subject = f"criterion:{criterion.pk}"
        every = datetime.timedelta(hours=series.expected_every_hours)
        last_at = series.latest_at
        quiet_from = last_at or series.watched_since
        silent = now - quiet_from
        if silent > every + grace(every):
            since = f"last one {_day(last_at)}" if last_at else "none received yet"
            findings.append(
                Finding(
                    series.project_id,
                    AlertKind.QUIET,
                    subject,
                    OFF_TRACK,
                    f"No production readings of {criterion.name} for {_ago(silent)} "
                    f"(expected {_every(series.expected_every_hours)}; {since})",
                    round(silent.total_seconds() / 3600, 1),
                    series.tell,
                )
            )
        value = series.latest_value
        # Value and time come from the same reading: both or neither.
        if (
            value is not None
            and last_at is not None
            and is_breach(value, series.alert_threshold, criterion.direction)
        ):
            side = "above" if criterion.direction == Direction.LOWER else "below"
            findings.append(
                Finding(
                    series.project_id,
                    AlertKind.BREACH,
                    subject,
                    OFF_TRACK,
                    f"{criterion.name} is {_value(value, criterion.unit)}, {side} its alert "
                    f"threshold of {_value(series.alert_threshold, criterion.unit)} "
                    f"(latest production reading, {_day(last_at)})",
                    value,
                    series.tell,
                )
            )
    return findings


def _plan_findings(plans: Iterable[MonitoringPlan], today: datetime.date) -> list[Finding]:
    findings = []
    for plan in plans:
        due = plan.retrain_due()
        if due is None or due >= today:
            continue
        late = (today - due).days
        assert plan.trained_on is not None  # retrain_due() is None without it
        model = f"Model {plan.model_version}" if plan.model_version else "The model in production"
        findings.append(
            Finding(
                plan.project_id,
                AlertKind.STALE_MODEL,
                "model",
                AT_RISK,
                f"{model} is {late} day{'s' if late != 1 else ''} overdue for retraining "
                f"(trained {plan.trained_on.day} {plan.trained_on:%b %Y}, "
                f"every {plan.retrain_every_days} days)",
                float(late),
                Audience.EDITORS,
            )
        )
    return findings


DRIFT_LEVELS = {"moderate": AT_RISK, "significant": OFF_TRACK}


def _drift_findings(project_ids: list[int]) -> list[Finding]:
    """Live datasets whose stored drift figure is moderate or significant (demos keeps the
    figure current when a live dataset or its reference changes)."""
    # Looked up by name: demos depends on lifecycle, not the other way round.
    Dataset = apps.get_model("demos", "Dataset")
    rows = (
        Dataset.objects.filter(
            demo__project_id__in=project_ids,
            live_of__isnull=False,
            drift_level__in=list(DRIFT_LEVELS),
        )
        .values(
            "pk",
            "model_version",
            "drift_psi",
            "drift_level",
            "demo__project_id",
            "demo__title",
            "live_of__model_version",
        )
        .order_by("pk")
    )
    return [
        Finding(
            row["demo__project_id"],
            AlertKind.DRIFT,
            f"dataset:{row['pk']}",
            DRIFT_LEVELS[row["drift_level"]],
            f"Live scores in “{row['demo__title']}” drifted from model "
            f"{row['live_of__model_version']}: {row['drift_level']} "
            f"(PSI {row['drift_psi']:.2f})",
            row["drift_psi"],
            Audience.EDITORS,
        )
        for row in rows
    ]


def findings_now(now: datetime.datetime) -> tuple[list[int], int, list[Finding]]:
    """Every monitored project's id, the number of watched series, and what is wrong now."""
    project_ids = list(monitored_projects().values_list("pk", flat=True))
    series = list(watched_series_with_latest(project_ids))
    plans = MonitoringPlan.objects.filter(
        project_id__in=project_ids, trained_on__isnull=False, retrain_every_days__isnull=False
    )
    findings = (
        _series_findings(series, now)
        + _plan_findings(plans, timezone.localdate(now))
        + _drift_findings(project_ids)
    )
    return project_ids, len(series), findings


def _cleared_note(alert: Alert, now: datetime.datetime, monitored: bool) -> str:
    if not monitored:
        return "Resolved by itself: the project is no longer monitored."
    words: dict[str, str] = {
        AlertKind.QUIET: "Resolved by itself: production readings arrived again.",
        AlertKind.BREACH: "Resolved by itself: the latest production reading is back within "
        "the alert threshold.",
        AlertKind.STALE_MODEL: "Resolved by itself: the model was retrained (or the cadence "
        "changed).",
        AlertKind.DRIFT: "Resolved by itself: live scores are stable against their version again.",
    }
    return words[alert.kind]


def monitoring_run(
    *, at: datetime.datetime | None = None, tell: bool = True, email: bool = True
) -> RunResult:
    """One pass of the checks: open, update and resolve alerts; refresh the affected summaries
    and (unless `tell` is false) tell people about new alerts, in-app and (unless `email` is
    false) by email. Safe to run twice: the second pass changes nothing.

    Two passes at the same moment (beat and a manual `run_monitoring`) cannot both open the same
    alert: the partial unique constraint refuses the second, whose pass is rolled back and run
    again, and then finds the first one's alerts."""
    try:
        return _monitoring_pass(at=at, tell=tell, email=email)
    except IntegrityError:
        return _monitoring_pass(at=at, tell=tell, email=email)


@transaction.atomic
def _monitoring_pass(*, at: datetime.datetime | None, tell: bool, email: bool) -> RunResult:
    now = at or timezone.now()
    project_ids, series_count, findings = findings_now(now)
    by_key = {finding.key: finding for finding in findings}
    monitored = set(project_ids)
    existing = {
        (alert.project_id, alert.kind, alert.subject): alert
        for alert in Alert.objects.unresolved().select_for_update()
    }
    new, kept, cleared = [], [], []
    for key, finding in by_key.items():
        alert = existing.get(key)
        if alert is None:
            new.append(
                Alert(
                    project_id=finding.project_id,
                    kind=finding.kind,
                    subject=finding.subject,
                    level=finding.level,
                    title=finding.title[:240],
                    figure=finding.figure,
                    opened_at=now,
                    last_seen_at=now,
                )
            )
            continue
        alert.title, alert.figure = finding.title[:240], finding.figure
        alert.level, alert.last_seen_at = finding.level, now
        kept.append(alert)
    for key, alert in existing.items():
        if key not in by_key:
            alert.status = AlertStatus.RESOLVED
            alert.resolved_at = now
            alert.resolve_note = _cleared_note(alert, now, alert.project_id in monitored)
            cleared.append(alert)
    Alert.objects.bulk_create(new, batch_size=500)
    Alert.objects.bulk_update(kept, ["title", "figure", "level", "last_seen_at"], batch_size=500)
    Alert.objects.bulk_update(cleared, ["status", "resolved_at", "resolve_note"], batch_size=500)
    changed = {a.project_id for a in new} | {a.project_id for a in cleared}
    changed |= {a.project_id for a in kept}  # titles follow the condition ("for 3 days")
    if changed:
        refresh(*changed)
    if new and tell:
        findings_by_key = {f.key: f for f in findings}
        transaction.on_commit(lambda: alerts_tell(new, findings_by_key, email=email))
    return RunResult(len(project_ids), series_count, len(new), len(kept), len(cleared))


def _recipients(project_ids: set[int]) -> dict[tuple[int, str], set]:
    """(project id, audience) → its active users (with or without an email), in two queries."""
    projects = {p.pk: p for p in Project.objects.filter(pk__in=project_ids).select_related("owner")}
    members = Membership.objects.filter(
        team_id__in={p.team_id for p in projects.values()}
    ).select_related("user")
    by_team = defaultdict(list)
    for membership in members:
        by_team[membership.team_id].append(membership)
    audiences: dict[tuple[int, str], set] = {}
    for project in projects.values():
        owner = {project.owner} if project.owner else set()
        team = by_team[project.team_id]
        editors = {m.user for m in team if m.role in EDITOR_ROLES}
        audiences[(project.pk, Audience.OWNER)] = owner
        audiences[(project.pk, Audience.EDITORS)] = owner | editors
        audiences[(project.pk, Audience.TEAM)] = owner | {m.user for m in team}
    return {key: {user for user in users if user.is_active} for key, users in audiences.items()}


def alerts_tell(alerts: list[Alert], findings: dict, *, email: bool = True) -> int:
    """Tell each person of the new alerts in-app (once per alert) and, unless `email` is false,
    by one email listing them; returns emails sent. A fixed number of queries."""
    project_ids = {alert.project_id for alert in alerts}
    audiences = _recipients(project_ids)
    named = list(Project.objects.filter(pk__in=project_ids).values_list("pk", "name", "slug"))
    names = {pk: name for pk, name, _ in named}
    slugs = {pk: slug for pk, _, slug in named}
    by_user: dict = defaultdict(list)
    rows = []
    now = timezone.now()
    for alert in alerts:
        finding = findings[(alert.project_id, alert.kind, alert.subject)]
        for user in audiences.get((alert.project_id, finding.tell), set()):
            by_user[user].append(alert)
            rows.append(
                Notification(
                    user_id=user.pk,
                    kind=NotificationKind.ALERT,
                    title=f"{names[alert.project_id]}: {alert.title}",
                    url=f"/projects/{slugs[alert.project_id]}/monitoring/",
                    project_id=alert.project_id,
                    key=f"alert:{alert.pk}",
                    created_at=now,
                )
            )
    notify_each(rows)
    if not email:
        return 0
    messages = []
    for user, mine in by_user.items():
        if not user.email:
            continue
        lines = [
            f"- {names[a.project_id]}: {a.title}\n  {settings.BASE_URL}/projects/"
            f"{slugs[a.project_id]}/monitoring/"
            for a in mine
        ]
        subject = (
            f"Waypoint alert: {mine[0].title}"
            if len(mine) == 1
            else f"Waypoint: {len(mine)} new monitoring alerts"
        )
        body = (
            f"Hello {user.display_name},\n\nThe monitoring checks found:\n\n"
            + "\n".join(lines)
            + "\n\nAcknowledge an alert on the project's monitoring page to tell the team "
            "someone is on it.\n"
        )
        messages.append((subject[:200], body, None, [user.email]))
    if not messages:
        return 0
    return send_mass_mail(messages, fail_silently=False, connection=get_connection())
