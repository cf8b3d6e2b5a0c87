"""Computes ProjectSummary rows (what the portfolio board reads) from the project's facts.

Writes reach it only through `lifecycle.services.derived.refresh(project)`, in their transaction.
`summaries_refresh()` rebuilds every row in a fixed number of queries: the data migration and
`manage.py refresh_summaries` use it whole. Metric readings are deliberately not summarised
here: the readings path stays as fast as it is.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from .. import health

HIGH_RISK_SCORE = 15  # likelihood × impact, as Risk.severity counts "high"
SPARKLINE_WEEKS = 8


def summaries_refresh(project_ids: Iterable[int] | None = None, apps: Apps = global_apps) -> int:
    """Recompute the summaries of `project_ids` (all projects when None); return how many.

    `apps` is the model registry: the data migration passes its historical one.
    """
    Project = apps.get_model("lifecycle", "Project")
    Experiment = apps.get_model("lifecycle", "Experiment")
    Timebox = apps.get_model("lifecycle", "Timebox")
    Stage = apps.get_model("lifecycle", "Stage")
    Risk = apps.get_model("lifecycle", "Risk")
    ProjectSummary = apps.get_model("lifecycle", "ProjectSummary")
    try:
        Alert = apps.get_model("lifecycle", "Alert")
    except LookupError:  # the data migration 0005 runs before alerts exist
        Alert = None

    def scoped(queryset: QuerySet, field: str = "project_id") -> QuerySet:
        return queryset if project_ids is None else queryset.filter(**{f"{field}__in": ids})

    ids = None if project_ids is None else list(project_ids)
    created = dict(scoped(Project.objects.all(), "pk").values_list("pk", "created_at"))
    if not created:
        return 0
    last_log = dict(
        scoped(Experiment.objects.all())
        .values("project_id")
        .annotate(last=Max("created_at"))
        .values_list("project_id", "last")
    )
    likelihoods: dict[int, list] = defaultdict(list)
    rows = (
        scoped(Timebox.objects.filter(likelihood__isnull=False))
        .order_by("project_id", "-week_start")
        .values_list("project_id", "week_start", "likelihood")
    )
    for project_id, week, value in rows.iterator(chunk_size=5000):
        recent = likelihoods[project_id]
        if len(recent) < SPARKLINE_WEEKS:
            recent.append([week.isoformat(), value])
    stages = {
        stage["project_id"]: stage
        for stage in scoped(Stage.objects.filter(kind=F("project__stage"))).values(
            "project_id", "actual_start", "planned_start", "planned_end", "status"
        )
    }
    high_risks = dict(
        scoped(Risk.objects.filter(status="open"))
        .annotate(score=F("likelihood") * F("impact"))
        .filter(score__gte=HIGH_RISK_SCORE)
        .values("project_id")
        .annotate(n=Count("id", filter=Q(status="open")))
        .values_list("project_id", "n")
    )
    alerts: dict[int, list] = defaultdict(list)
    if Alert is not None:
        open_alerts = (
            scoped(Alert.objects.exclude(status="resolved"))
            .order_by("project_id", "opened_at", "id")
            .values_list("project_id", "level", "title")
        )
        for project_id, level, title in open_alerts:
            alerts[project_id].append([level, title])
    now = timezone.now()
    summaries = []
    for project_id, created_at in created.items():
        stage = stages.get(project_id, {})
        recent = list(reversed(likelihoods.get(project_id, [])))
        values = [value for _, value in recent]
        last_at = last_log.get(project_id)
        last_day = timezone.localdate(last_at) if last_at else None
        found = sorted(alerts.get(project_id, []), key=lambda item: -health.RANK[item[0]])
        alert_fields = (
            {"alerts": found, "alert_level": found[0][0] if found else ""} if Alert else {}
        )
        summaries.append(
            ProjectSummary(
                **alert_fields,
                project_id=project_id,
                last_log_at=last_at,
                quiet_since=health.quiet_since(last_day, timezone.localdate(created_at)),
                likelihoods=recent,
                likelihood_latest=values[-1] if values else None,
                likelihood_drop=health.likelihood_drop(values),
                stage_started=stage.get("actual_start"),
                stage_planned_start=stage.get("planned_start"),
                stage_planned_end=stage.get("planned_end"),
                stage_done=stage.get("status") == "done",
                open_high_risks=high_risks.get(project_id, 0),
                refreshed_at=now,
            )
        )
    ProjectSummary.objects.bulk_create(
        summaries,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=[
            *(["alerts", "alert_level"] if Alert else []),
            "last_log_at",
            "quiet_since",
            "likelihoods",
            "likelihood_latest",
            "likelihood_drop",
            "stage_started",
            "stage_planned_start",
            "stage_planned_end",
            "stage_done",
            "open_high_risks",
            "refreshed_at",
        ],
    )
    return len(summaries)
