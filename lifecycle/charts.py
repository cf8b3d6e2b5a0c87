"""The progress charts of the project page: each success criterion's readings over time against
its baseline and target, and the likelihood of success week by week.

Figures are built here with Plotly and handed to the page as JSON (`json_script`);
static/js/charts.js draws them with the vendored plotly.js bundle. Everything a reader needs is
also in words (title, summary, empty state), so the page says the same without JavaScript.
"""

import datetime
import html
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from typing import Any, NamedTuple

import plotly.graph_objects as go
from django.db.models import Q, Sum
from django.utils import timezone

from plumbing.charts import (
    ACCENT,
    ACCENT_FILL,
    GOOD_SIDE,
    GRID,
    LABEL_BACKGROUND,
    MUTED,
    OK,
    PRODUCTION,
    VALIDATE,
    base_layout,
)
from plumbing.numbers import number

from . import rollups
from .models import (
    Direction,
    Project,
    Reading,
    ReadingHour,
    ReadingSource,
    SuccessCriterion,
    Timebox,
)

# More points than this in one series add weight to the page, not information to the chart.
MAX_POINTS_PER_SERIES = 400
MIN_TIME_SPAN = datetime.timedelta(weeks=4)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HOVER_LINE_WIDTH = 46  # characters: a hover label must fit a phone screen

NO_READINGS = "No readings yet — log them from the weekly log or the API."
NO_LIKELIHOOD = (
    "No likelihood estimates yet — the team records one in the weekly log each week, "
    "with a one-line reason."
)


class Point(NamedTuple):
    """One reading as the chart needs it."""

    at: datetime.datetime
    value: float
    source: str
    experiment: str  # the experiment's title, "" for readings not tied to one
    note: str = ""  # for a point that stands for many readings: which ones


class Estimate(NamedTuple):
    """One week's likelihood of success."""

    week_start: datetime.date
    likelihood: int
    reason: str


@dataclass(frozen=True)
class Chart:
    """One chart of the page: `figure` is None when there is nothing to draw yet."""

    key: str  # unique on the page; the chart's element id and, with "-figure", its JSON's id
    title: str
    summary: str  # the chart in one sentence, for everyone and for screen readers
    figure: dict[str, Any] | None
    empty_text: str = ""

    @property
    def figure_id(self) -> str:
        return f"{self.key}-figure"


class ProjectProgress:
    """The charts of one project, read on first use: two queries however long the log is.

    Lazy so that the one-pager's htmx section refreshes, which share its context, do not pay
    for charts they do not show.
    """

    def __init__(self, project: Project, criteria: list[SuccessCriterion]):
        self.project = project
        self.criteria = criteria

    @cached_property
    def _points(self) -> dict[int, list[Point]]:
        """Each criterion's points in time order: every reading of a short series; for a long
        one (a script that logs every training step), its lowest and highest readings per
        stretch of time and its latest, from the hourly summaries and the readings not rolled
        up yet (rollups.pending). The same number of queries however many readings; no writes."""
        by_criterion: dict[int, list[Point]] = {c.pk: [] for c in self.criteria}
        pending: dict[tuple[int, str], dict] = defaultdict(dict)
        for key, summary in rollups.pending(self.project.pk).items():
            if key[0] in by_criterion:
                pending[key[:2]][key] = summary
        sizes = Counter(
            {
                (criterion, source): n
                for criterion, source, n in ReadingHour.objects.filter(criterion__in=by_criterion)
                .values_list("criterion_id", "source")
                .annotate(n=Sum("readings"))
            }
        )
        for series, hours in pending.items():
            sizes[series] += sum(summary.readings for summary in hours.values())
        short: list[tuple[int, str]] = []
        long: list[tuple[int, str]] = []
        for series, n in sizes.items():
            (long if n > MAX_POINTS_PER_SERIES else short).append(series)
        if short:
            rows = (
                Reading.objects.filter(_any_of(short))
                .order_by("at", "id")
                .values_list("criterion_id", "at", "value", "source", "experiment__title")
            )
            for criterion_id, at, value, source, title in rows:
                by_criterion[criterion_id].append(Point(at, value, source, title or ""))
        if long:
            stored = {
                series: list(hours)
                for series, hours in groupby(rollups.hours_of(long), key=_series)
            }
            for series in long:
                merged = rollups.with_pending(stored.get(series, []), pending.get(series, {}))
                by_criterion[series[0]] += summarised_points(merged)
                by_criterion[series[0]].sort(key=lambda point: point.at)
        return by_criterion

    @cached_property
    def likelihood(self) -> Chart:
        estimates = [
            Estimate(week, likelihood, reason)
            for week, likelihood, reason in Timebox.objects.filter(
                project=self.project, likelihood__isnull=False
            )
            .order_by("week_start")
            .values_list("week_start", "likelihood", "likelihood_reason")
            if likelihood is not None  # as filtered
        ]
        return likelihood_chart(estimates)

    @cached_property
    def criteria_charts(self) -> list[Chart]:
        return [criterion_chart(c, self._points[c.pk]) for c in self.criteria]

    @property
    def business(self) -> list[Chart]:
        return self._of_kind("business")

    @property
    def model(self) -> list[Chart]:
        return self._of_kind("model")

    def _of_kind(self, kind: str) -> list[Chart]:
        charts = zip(self.criteria, self.criteria_charts, strict=True)
        return [chart for criterion, chart in charts if criterion.kind == kind]

    @property
    def has_figures(self) -> bool:
        """Whether the page draws anything, and so needs plotly.js at all."""
        charts = [self.likelihood, *self.criteria_charts]
        return any(chart.figure is not None for chart in charts)


# Success criteria


def direction_label(criterion: SuccessCriterion) -> str:
    return Direction(criterion.direction).label.lower()


def with_unit(value: float | None, unit: str) -> str:
    """12.5 and "%" → "12.5 %", as the rest of the page writes values."""
    return f"{number(value)} {unit}".strip()


def criterion_chart(criterion: SuccessCriterion, points: list[Point]) -> Chart:
    title = f"{criterion.name} — {direction_label(criterion)}"
    key = f"chart-criterion-{criterion.pk}"
    goal = f"target {with_unit(criterion.target, criterion.unit)}"
    if criterion.baseline is not None:
        goal += f", baseline {with_unit(criterion.baseline, criterion.unit)}"
    if not points:
        return Chart(key, title, f"{goal[:1].upper()}{goal[1:]}.", None, NO_READINGS)
    latest = points[-1]
    met = _meets_target(criterion, latest.value)
    when = _day(timezone.localtime(latest.at))
    summary = (
        f"Latest {with_unit(latest.value, criterion.unit)} on {when} "
        f"({goal}){': target met' if met else ''}."
    )
    return Chart(key, title, summary, criterion_figure(criterion, points))


def _meets_target(criterion: SuccessCriterion, value: float) -> bool:
    if criterion.direction == Direction.HIGHER:
        return value >= criterion.target
    return value <= criterion.target


def value_range(criterion: SuccessCriterion, values: list[float]) -> tuple[float, float]:
    """The y-axis range: every reading, the baseline and the target, with some air around them.

    Set explicitly (not left to autorange) so the shaded good side can reach the plot's edge.
    """
    marks = [*values, criterion.target]
    if criterion.baseline is not None:
        marks.append(criterion.baseline)
    low, high = min(marks), max(marks)
    span = (high - low) or max(abs(high) * 0.2, 1.0)
    # More room on the good side, so the shaded band beyond the target is plain to see.
    if criterion.direction == Direction.HIGHER:
        bottom, top = low - span * 0.12, high + span * 0.3
    else:
        bottom, top = low - span * 0.3, high + span * 0.12
    if low >= 0 > bottom:  # counts, shares and times are never negative: keep the axis at 0
        bottom = 0.0
    if criterion.unit == "%" and high <= 100 < top:  # nor are shares above 100 %
        top = 100.0
    return bottom, top


def best_so_far(points: list[Point], direction: str) -> list[float]:
    """The best value reached up to each point, in the criterion's direction."""
    pick = max if direction == Direction.HIGHER else min
    best: list[float] = []
    for point in points:
        best.append(point.value if not best else pick(best[-1], point.value))
    return best


# A long series is drawn as its lowest and highest reading in each of this many stretches.
STRETCHES = MAX_POINTS_PER_SERIES // 2 - 1


def _series(hour: rollups.Hour) -> tuple[int, str]:
    return hour.criterion_id, hour.source


def _any_of(series: list[tuple[int, str]]) -> Q:
    """Readings of any of these (criterion id, source) series."""
    condition = Q()
    for criterion_id, source in series:
        condition |= Q(criterion_id=criterion_id, source=source)
    return condition


def summarised_points(hours: list[rollups.Hour]) -> list[Point]:
    """The points of a long series from its hours, in time order: per stretch of about equally
    many readings, the lowest and the highest reading (so the range and the best so far stay
    exact) at the middle of the stretch, and the latest reading itself (the chart's summary
    quotes it)."""
    points = []
    for stretch in rollups.stretches(hours, STRETCHES):
        first, last = rollups.moment(stretch[0].first_at), rollups.moment(stretch[-1].last_at)
        n = sum(hour.readings for hour in stretch)
        source = stretch[0].source
        if n == 1:
            points.append(Point(first, stretch[0].low, source, ""))
            continue
        # Both at the middle of the stretch: the order of readings within it is not kept.
        middle = first + (last - first) / 2
        note = f"{{}} of {n} readings, {_span(first, last)}"
        low = min(hour.low for hour in stretch)
        high = max(hour.high for hour in stretch)
        points.append(Point(middle, low, source, "", note.format("Lowest")))
        points.append(Point(middle, high, source, "", note.format("Highest")))
    newest = hours[-1]
    latest = Point(rollups.moment(newest.last_at), newest.last_value, newest.source, "")
    if points[-1][:2] != latest[:2]:  # unless a stretch of one reading already holds it
        points.append(latest)
    return points


def _span(first: datetime.datetime, last: datetime.datetime) -> str:
    first, last = timezone.localtime(first), timezone.localtime(last)
    if first.date() == last.date():
        return f"on {_day(first)}"
    return f"{_day(first)} to {_day(last)}"


def criterion_figure(criterion: SuccessCriterion, points: list[Point]) -> dict[str, Any]:
    unit = criterion.unit
    points = _localised(points)
    experiments = [p for p in points if p.source == ReadingSource.EXPERIMENT]
    production = [p for p in points if p.source == ReadingSource.PRODUCTION]
    bottom, top = value_range(criterion, [p.value for p in points])
    higher = criterion.direction == Direction.HIGHER

    traces = []
    if experiments:
        x = [_x(p.at) for p in experiments]
        traces.append(
            go.Scatter(
                _validate=VALIDATE,
                name="Experiments",
                x=x,
                y=[p.value for p in experiments],
                mode="markers",
                marker={"color": ACCENT, "size": 7, "opacity": 0.55},
                text=[_reading_hover(p, unit) for p in experiments],
                hovertemplate="%{text}<extra></extra>",
            )
        )
        traces.append(
            go.Scatter(
                _validate=VALIDATE,
                name="Best so far",
                x=x,
                y=best_so_far(experiments, criterion.direction),
                mode="lines",
                line={"color": ACCENT, "width": 2.5, "shape": "hv"},
                hoverinfo="skip",
            )
        )
    if production:
        traces.append(
            go.Scatter(
                _validate=VALIDATE,
                name="Production",
                x=[_x(p.at) for p in production],
                y=[p.value for p in production],
                mode="lines+markers",
                line={"color": PRODUCTION, "width": 1.5},
                marker={"color": PRODUCTION, "size": 5, "symbol": "diamond"},
                text=[_reading_hover(p, unit) for p in production],
                hovertemplate="%{text}<extra></extra>",
            )
        )

    across = {"xref": "paper", "x0": 0, "x1": 1, "yref": "y"}
    # The good side of the target, shaded up (or down) to the edge of the plot.
    good_from, good_to = (criterion.target, top) if higher else (bottom, criterion.target)
    shapes = [
        across
        | {
            "type": "rect",
            "name": "good side",
            "y0": good_from,
            "y1": good_to,
            "fillcolor": GOOD_SIDE,
            "line": {"width": 0},
            "layer": "below",
        },
        across
        | {
            "type": "line",
            "name": "target",
            "y0": criterion.target,
            "y1": criterion.target,
            "line": {"color": OK, "width": 2},
        },
    ]
    # The target is labelled on its good side and the baseline on the other, so they never
    # overlap; the target at the left and the baseline at the right, where readings (which start
    # near the baseline and move towards the target) are least likely to be.
    annotations = [
        {
            "name": "target",
            "text": f"Target {html.escape(with_unit(criterion.target, unit))} "
            f"{'↑' if higher else '↓'}",
            "xref": "paper",
            "x": 0,
            "xanchor": "left",
            "yref": "y",
            "y": criterion.target,
            "yanchor": "bottom" if higher else "top",
            "showarrow": False,
            "font": {"color": OK, "size": 12},
            "bgcolor": LABEL_BACKGROUND,
        }
    ]
    if criterion.baseline is not None:
        shapes.append(
            across
            | {
                "type": "line",
                "name": "baseline",
                "y0": criterion.baseline,
                "y1": criterion.baseline,
                "line": {"color": MUTED, "width": 1.5, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "name": "baseline",
                "text": f"Baseline {html.escape(with_unit(criterion.baseline, unit))}",
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "yref": "y",
                "y": criterion.baseline,
                "yanchor": "top" if higher else "bottom",
                "showarrow": False,
                "font": {"color": MUTED, "size": 12},
                "bgcolor": LABEL_BACKGROUND,
            }
        )
    layout = _base_layout()
    layout["yaxis"] |= {"range": [bottom, top], "title": {"text": html.escape(unit), "standoff": 6}}
    layout["xaxis"] |= _time_range([p.at for p in points])
    layout |= {"shapes": shapes, "annotations": annotations, "showlegend": True}
    return go.Figure(data=traces, layout=layout, _validate=VALIDATE).to_plotly_json()


def _reading_hover(point: Point, unit: str) -> str:
    what = point.experiment if point.source == ReadingSource.EXPERIMENT else "Production"
    # Plain text and <br> only: plotly.js styles <b>, <i> and the like with a style attribute,
    # which the CSP blocks.
    lines = [f"{html.escape(with_unit(point.value, unit))} · {_day(point.at)}"]
    for text in (what, point.note):
        if text:
            lines += textwrap.wrap(html.escape(text), HOVER_LINE_WIDTH)
    return "<br>".join(lines)


# Likelihood of success


def likelihood_chart(estimates: list[Estimate]) -> Chart:
    title = "Likelihood of success"
    key = "chart-likelihood"
    if not estimates:
        return Chart(key, title, "No estimates yet.", None, NO_LIKELIHOOD)
    latest, first = estimates[-1], estimates[0]
    summary = f"{latest.likelihood} % in the week of {_day(latest.week_start)}"
    if latest.reason:
        summary += f" — {latest.reason.rstrip('.')}"
    summary += "."
    if len(estimates) > 1:
        summary += f" It started at {first.likelihood} % in the week of {_day(first.week_start)}."
    return Chart(key, title, summary, likelihood_figure(estimates))


def likelihood_figure(estimates: list[Estimate]) -> dict[str, Any]:
    """One point per week the team gave an estimate; weeks without one have no marker."""
    trace = go.Scatter(
        _validate=VALIDATE,
        name="Likelihood of success",
        x=[e.week_start.isoformat() for e in estimates],
        y=[e.likelihood for e in estimates],
        mode="lines+markers",
        line={"color": ACCENT, "width": 2.5},
        marker={"color": ACCENT, "size": 6},
        fill="tozeroy",
        fillcolor=ACCENT_FILL,
        text=[_estimate_hover(e) for e in estimates],
        hovertemplate="%{text}<extra></extra>",
    )
    layout = _base_layout()
    layout["yaxis"] |= {"range": [0, 100], "ticksuffix": " %", "dtick": 25}
    layout["xaxis"] |= _time_range([e.week_start for e in estimates])
    layout["showlegend"] = False
    return go.Figure(data=[trace], layout=layout, _validate=VALIDATE).to_plotly_json()


def _estimate_hover(estimate: Estimate) -> str:
    lines = [f"{estimate.likelihood} % · week of {_day(estimate.week_start)}"]
    lines += textwrap.wrap(html.escape(estimate.reason), HOVER_LINE_WIDTH)
    return "<br>".join(lines)


# Shared


def _base_layout() -> dict[str, Any]:
    """The shared look, with a legend above the plot and a time axis."""
    layout = base_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": 11},
            "itemwidth": 30,
        }
    )
    # Few, level date ticks: rotated labels get cut off on a phone.
    layout["xaxis"] |= {
        "type": "date", "showgrid": False, "ticks": "outside", "nticks": 4, "tickangle": 0,
    }  # fmt: skip
    layout["yaxis"] |= {"gridcolor": GRID, "zeroline": False, "nticks": 6}
    return layout


def _time_range(moments: list) -> dict[str, Any]:
    """A few weeks of context around readings that are close in time; plotly.js would zoom a
    single reading down to milliseconds."""
    first, last = min(moments), max(moments)
    if last - first >= MIN_TIME_SPAN:
        return {}
    middle = first + (last - first) / 2
    return {"range": [_x(middle - MIN_TIME_SPAN / 2), _x(middle + MIN_TIME_SPAN / 2)]}


def _localised(points: list[Point]) -> list[Point]:
    """Readings at the local wall time: what people read, and what plotly.js draws (it ignores
    time zone offsets)."""
    zone = timezone.get_current_timezone()
    return [point._replace(at=point.at.astimezone(zone)) for point in points]


def _x(moment: datetime.datetime | datetime.date) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _day(moment: datetime.datetime | datetime.date) -> str:
    """3 Mar 2026, as the rest of the page writes dates."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
