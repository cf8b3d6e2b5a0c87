"""What the portfolio learned: how far projects got, where and why stopped ones stopped, and how
long shipped ones spent in each stage. Three queries; figures built with Plotly as on the project
page (lifecycle/selectors/charts.py) and shown beside tables with the same numbers.
"""

import statistics
from typing import Any

import plotly.graph_objects as go
from django.db.models import Count, QuerySet

from plumbing.charts import ACCENT, GRID, OK, VALIDATE, base_layout

from ..models import Project, ProjectStatus, Stage, StageKind, StopReason
from .charts import Chart

# Reasons to stop, in warm tones and greys: green means on track and blue is the accent on every
# other page, and the stage colours name stages, so none of them names a reason here.
STOP_COLOURS = ["#7a2e0e", "#b54708", "#e07a10", "#c4a15a", "#344054", "#667085", "#a9b1bf"]


def outcomes(projects: QuerySet[Project]) -> dict[str, Any]:
    """The outcomes page's numbers and charts for `projects` (already scoped to the reader)."""
    reached_rows = dict(
        Stage.objects.filter(project__in=projects, actual_start__isnull=False)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    reached = [(kind.label, reached_rows.get(kind.value, 0)) for kind in StageKind]
    status_counts = dict(
        projects.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    )

    stopped = (
        projects.filter(status=ProjectStatus.STOPPED)
        .order_by()
        .values("ended_stage", "stop_reason")
        .annotate(n=Count("id"))
    )
    stops = {(row["ended_stage"], row["stop_reason"]): row["n"] for row in stopped}
    stop_table = []
    for kind in StageKind:
        counts = [stops.get((kind.value, reason.value), 0) for reason in StopReason]
        stop_table.append({"stage": kind.label, "counts": counts, "total": sum(counts)})
    reason_totals = [
        (reason.label, sum(row["counts"][i] for row in stop_table))
        for i, reason in enumerate(StopReason)
    ]

    durations: dict[str, list[int]] = {kind.value: [] for kind in StageKind}
    rows = Stage.objects.filter(
        project__in=projects.filter(status=ProjectStatus.SHIPPED),
        actual_start__isnull=False,
        actual_end__isnull=False,
    ).values_list("kind", "actual_start", "actual_end")
    for stage_kind, start, end in rows:
        if start is not None and end is not None:  # as filtered
            durations[stage_kind].append((end - start).days)
    time_table = [
        {
            "stage": kind.label,
            "projects": len(durations[kind.value]),
            "median": statistics.median(durations[kind.value]) if durations[kind.value] else None,
            "mean": round(statistics.fmean(durations[kind.value]))
            if durations[kind.value]
            else None,
        }
        for kind in StageKind
        if kind != StageKind.MONITORING  # shipped projects are still in it
    ]

    total = sum(status_counts.values())
    return {
        "total": total,
        "status_counts": [
            (status.label, status_counts.get(status.value, 0)) for status in ProjectStatus
        ],
        "reached": reached,
        "stop_table": stop_table,
        "stop_reasons": [reason.label for reason in StopReason],
        "reason_totals": reason_totals,
        "stopped_total": sum(total for _, total in reason_totals),
        "time_table": time_table,
        "charts": {
            "reached": reached_chart(reached),
            "stops": stops_chart(stop_table),
            "time": time_chart(time_table),
        },
    }


def _layout(**extra: Any) -> dict[str, Any]:
    """The shared look, for bars across: room for the labels on the left, no legend."""
    layout = base_layout(margin={"l": 120, "r": 16, "t": 12, "b": 36, "pad": 2}, showlegend=False)
    layout["xaxis"] |= {"gridcolor": GRID, "zeroline": False}
    layout["yaxis"] |= {"autorange": "reversed", "automargin": True}
    return layout | extra


def count_axis(highest: int) -> dict[str, Any]:
    """An axis of whole projects with at most about five ticks, 1, 2, 5, 10, 20, 50... apart
    (plotly would otherwise mark 0.2, 0.4... when only one or two projects are counted)."""
    step = 1
    for scale in (1, 10, 100, 1_000, 10_000):
        for base in (1, 2, 5):
            step = base * scale
            if highest <= 5 * step:
                return {"tick0": 0, "dtick": step, "tickformat": ",d"}
    return {"tick0": 0, "dtick": step, "tickformat": ",d"}


def reached_chart(reached: list[tuple[str, int]]) -> Chart:
    summary = ", ".join(f"{label}: {n}" for label, n in reached) + "."
    if not any(n for _, n in reached):
        return Chart("chart-reached", "Projects that reached each stage", summary, None, "None.")
    trace = go.Bar(
        x=[n for _, n in reached],
        y=[label for label, _ in reached],
        orientation="h",
        marker={"color": ACCENT},
        text=[str(n) for _, n in reached],
        textposition="auto",
        hovertemplate="%{y}: %{x} projects<extra></extra>",
    )
    layout = _layout()
    layout["xaxis"] |= count_axis(max(n for _, n in reached))
    figure = go.Figure(data=[trace], layout=layout, _validate=VALIDATE).to_plotly_json()
    return Chart("chart-reached", "Projects that reached each stage", summary, figure)


def stops_chart(stop_table: list[dict]) -> Chart:
    title = "Where stopped projects stopped, and why"
    total = sum(row["total"] for row in stop_table)
    summary = f"{total} stopped projects, by the stage they stopped in and the reason given."
    if not total:
        return Chart("chart-stops", title, summary, None, "No project has been stopped.")
    stages = [row["stage"] for row in stop_table]
    traces = [
        go.Bar(
            name=reason.label,
            x=[row["counts"][i] for row in stop_table],
            y=stages,
            orientation="h",
            marker={"color": STOP_COLOURS[i % len(STOP_COLOURS)]},
            hovertemplate=f"%{{y}}: %{{x}} stopped ({reason.label})<extra></extra>",
        )
        for i, reason in enumerate(StopReason)
    ]
    layout = _layout(
        barmode="stack",
        showlegend=True,
        legend={
            "orientation": "h",
            "x": 0,
            "y": -0.15,
            "yanchor": "top",
            "font": {"size": 11},
            "traceorder": "normal",
        },
        margin={"l": 120, "r": 16, "t": 12, "b": 8, "pad": 2},
    )
    layout["xaxis"] |= count_axis(max(row["total"] for row in stop_table))
    figure = go.Figure(data=traces, layout=layout, _validate=VALIDATE).to_plotly_json()
    return Chart("chart-stops", title, summary, figure)


def time_chart(time_table: list[dict]) -> Chart:
    title = "Days per stage of shipped projects (median)"
    rows = [row for row in time_table if row["median"] is not None]
    summary = "; ".join(f"{row['stage']}: {row['median']:g} days" for row in rows) + "."
    if not rows:
        return Chart("chart-time", title, "", None, "No project has shipped yet.")
    trace = go.Bar(
        x=[row["median"] for row in rows],
        y=[row["stage"] for row in rows],
        orientation="h",
        marker={"color": OK},
        text=[f"{row['median']:g}" for row in rows],
        textposition="auto",
        hovertemplate="%{y}: median %{x} days<extra></extra>",
    )
    figure = go.Figure(data=[trace], layout=_layout(), _validate=VALIDATE).to_plotly_json()
    return Chart("chart-time", title, summary, figure)
