"""The progress charts of the project page: the figures' data, the empty states, the page weight
and a query count that does not grow with the log."""

import datetime
import json

import plotly.graph_objects as go
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lifecycle.selectors import charts
from lifecycle.selectors.charts import ProjectProgress
from lifecycle.services.experiment_log import ReadingInput, experiment_add, readings_add
from lifecycle.weeks import week_start
from plumbing.numbers import number
from tests.factories import add_criterion

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def at(day: int, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 3, day, hour))


def add_readings(project, by, criterion, *values_at, source="experiment"):
    readings_add(
        project=project,
        readings=[ReadingInput(criterion.name, value, when, source) for value, when in values_at],
        by=by,
    )


def progress_of(project) -> ProjectProgress:
    return ProjectProgress(project, list(project.criteria.all()))


def trace(figure, name):
    return next(t for t in figure["data"] if t["name"] == name)


def shape(figure, name):
    return next(s for s in figure["layout"]["shapes"] if s["name"] == name)


def annotation(figure, name):
    return next(a for a in figure["layout"]["annotations"] if a["name"] == name)


def page(client, project) -> str:
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def figure_on_page(content: str, key: str) -> dict:
    start = content.index(f'<script id="{key}-figure" type="application/json">')
    start = content.index(">", start) + 1
    return json.loads(content[start : content.index("</script>", start)])


# Success criteria


def test_readings_are_drawn_in_time_order(project, owner):
    f1 = add_criterion(project, owner, name="Macro F1", kind="model", unit="F1")
    add_readings(project, owner, f1, (0.61, at(9)), (0.55, at(2)), (0.58, at(5)))

    [chart] = progress_of(project).criteria_charts
    experiments = trace(chart.figure, "Experiments")

    assert experiments["x"] == ["2026-03-02 12:00", "2026-03-05 12:00", "2026-03-09 12:00"]
    assert experiments["y"] == [0.55, 0.58, 0.61]


def test_baseline_and_target_are_labelled_lines_at_their_values(project, owner):
    recall = add_criterion(project, owner, name="Recall", unit="%", baseline=19, target=35)
    add_readings(project, owner, recall, (24, at(3)))

    [chart] = progress_of(project).criteria_charts

    assert (shape(chart.figure, "target")["y0"], shape(chart.figure, "target")["y1"]) == (35, 35)
    assert shape(chart.figure, "baseline")["y0"] == 19
    assert shape(chart.figure, "baseline")["line"]["dash"] == "dash"
    assert annotation(chart.figure, "target")["text"] == "Target 35 % ↑"
    assert annotation(chart.figure, "baseline")["text"] == "Baseline 19 %"


def test_higher_is_better_shades_above_the_target(project, owner):
    recall = add_criterion(project, owner, name="Recall", baseline=19, target=35)
    add_readings(project, owner, recall, (24, at(3)), (31, at(10)))

    [chart] = progress_of(project).criteria_charts
    good = shape(chart.figure, "good side")
    bottom, top = chart.figure["layout"]["yaxis"]["range"]

    assert (good["y0"], good["y1"]) == (35, top)
    assert bottom < 19 and top > 35
    assert chart.title == "Recall — higher is better"


def test_lower_is_better_shades_below_the_target(project, owner):
    handling = add_criterion(
        project,
        owner,
        name="Handling time",
        unit="minutes",
        baseline=9,
        target=7,
        direction="lower",
    )
    add_readings(project, owner, handling, (8.6, at(3)), (7.9, at(10)))

    [chart] = progress_of(project).criteria_charts
    good = shape(chart.figure, "good side")
    bottom, top = chart.figure["layout"]["yaxis"]["range"]

    assert (good["y0"], good["y1"]) == (bottom, 7)
    assert bottom >= 0  # minutes are never negative
    assert top > 9
    assert annotation(chart.figure, "target")["yanchor"] == "top"  # labelled on its good side
    assert chart.title == "Handling time — lower is better"
    assert chart.figure["layout"]["yaxis"]["title"]["text"] == "minutes"


def test_a_criterion_without_baseline_has_only_the_target_line(project, owner):
    latency = add_criterion(
        project, owner, name="Latency p99", unit="ms", baseline=None, target=40, direction="lower"
    )
    add_readings(project, owner, latency, (55, at(3)))

    [chart] = progress_of(project).criteria_charts

    assert [s["name"] for s in chart.figure["layout"]["shapes"]] == ["good side", "target"]
    assert "baseline" not in chart.summary


def test_experiment_and_production_readings_are_told_apart(project, owner):
    share = add_criterion(project, owner, name="Fraud value caught", baseline=61, target=75)
    add_readings(project, owner, share, (66, at(2)), (70, at(4)))
    add_readings(project, owner, share, (72, at(6)), (74, at(9)), source="production")

    [chart] = progress_of(project).criteria_charts
    production = trace(chart.figure, "Production")

    assert trace(chart.figure, "Experiments")["y"] == [66, 70]
    assert production["y"] == [72, 74]
    assert production["marker"]["symbol"] == "diamond"
    assert chart.figure["layout"]["showlegend"] is True
    assert production["text"][0].endswith("Production")


def test_best_so_far_keeps_the_best_value_in_the_criterion_direction(project, owner):
    error = add_criterion(project, owner, name="WAPE", baseline=38, target=25, direction="lower")
    add_readings(project, owner, error, (36, at(2)), (31, at(3)), (33, at(4)), (29, at(5)))

    [chart] = progress_of(project).criteria_charts

    assert trace(chart.figure, "Best so far")["y"] == [36, 31, 31, 29]
    assert trace(chart.figure, "Best so far")["line"]["shape"] == "hv"


def test_hover_names_the_experiment_and_escapes_its_title(project, owner):
    add_criterion(project, owner, name="Macro F1", kind="model", unit="F1")
    experiment_add(
        project=project,
        week_start=MONDAY,
        title="Class weights <b>balanced</b>",
        by=owner,
        outcome="supported",
        readings=[ReadingInput("Macro F1", 0.71, at(4))],
    )

    [chart] = progress_of(project).criteria_charts
    [hover] = trace(chart.figure, "Experiments")["text"]

    assert hover.startswith("0.71 F1 · 4 Mar 2026<br>")
    assert "Class weights &lt;b&gt;balanced&lt;/b&gt;" in hover


def test_summary_says_the_latest_value_and_whether_the_target_is_met(project, owner):
    recall = add_criterion(project, owner, name="Recall", unit="%", baseline=19, target=35)
    add_readings(project, owner, recall, (31, at(2)), (36, at(9)))

    [chart] = progress_of(project).criteria_charts

    assert chart.summary == "Latest 36 % on 9 Mar 2026 (target 35 %, baseline 19 %): target met."


def test_a_single_reading_gets_weeks_of_context_not_milliseconds(project, owner):
    recall = add_criterion(project, owner, name="Recall")
    add_readings(project, owner, recall, (24, at(10)))

    [chart] = progress_of(project).criteria_charts

    assert chart.figure["layout"]["xaxis"]["range"] == ["2026-02-24 12:00", "2026-03-24 12:00"]


def test_figures_are_valid_plotly(project, owner):
    """Pages skip plotly's schema check for speed (charts.VALIDATE); this is where it happens."""
    recall = add_criterion(project, owner, name="Recall", unit="%", baseline=19, target=35)
    latency = add_criterion(project, owner, name="Latency", baseline=None, direction="lower")
    add_readings(project, owner, recall, (24, at(2)), (31, at(9)))
    add_readings(project, owner, latency, (55, at(3)), (52, at(10)), source="production")
    log_likelihood(project, owner, MONDAY, 40, "Baseline measured")
    progress = progress_of(project)

    for chart in [progress.likelihood, *progress.criteria_charts]:
        go.Figure(chart.figure)  # raises ValueError on any property plotly does not know


def add_many_readings(project, by, criterion, values, start, source="experiment"):
    """One reading an hour from `start`, in batches as a training script sends them."""
    readings = [
        ReadingInput(criterion.name, value, start + datetime.timedelta(hours=i), source)
        for i, value in enumerate(values)
    ]
    for first in range(0, len(readings), 1000):
        readings_add(project=project, readings=readings[first : first + 1000], by=by)


def test_a_long_series_is_summarised_without_losing_its_range_best_or_latest(project, owner):
    loss = add_criterion(
        project, owner, name="Loss", unit="", direction="lower", target=0.2, baseline=1
    )
    # 3,000 readings: a falling loss with noise, one outlier low and one outlier high
    values = [1 - i / 4000 + (0.05 if i % 7 == 0 else 0) for i in range(3000)]
    values[1234], values[2345] = 0.05, 3.0
    add_many_readings(project, owner, loss, values, at(1))

    [chart] = progress_of(project).criteria_charts
    experiments = trace(chart.figure, "Experiments")

    assert len(experiments["y"]) <= charts.MAX_POINTS_PER_SERIES
    assert min(experiments["y"]) == 0.05 and max(experiments["y"]) == 3.0
    assert trace(chart.figure, "Best so far")["y"][-1] == 0.05
    assert experiments["x"] == sorted(experiments["x"])
    latest = at(1) + datetime.timedelta(hours=2999)
    assert experiments["x"][-1] == charts._x(timezone.localtime(latest))
    assert experiments["y"][-1] == values[-1]
    assert chart.summary.startswith(f"Latest {number(values[-1])} on")
    # 3,000 readings in 199 stretches: 15 of 16 readings, then 184 of 15
    assert sum("Lowest of 16 readings" in text for text in experiments["text"]) == 15
    assert sum("Lowest of 15 readings" in text for text in experiments["text"]) == 184


def test_short_series_keep_every_reading_beside_a_long_one(project, owner):
    recall = add_criterion(project, owner, name="Recall")
    latency = add_criterion(project, owner, name="Latency", direction="lower", target=40)
    add_many_readings(project, owner, latency, [50.0] * 1000, at(1), source="production")
    add_readings(project, owner, recall, (24, at(2)), (25, at(3)))
    add_readings(project, owner, latency, (45, at(4)))

    recall_chart, latency_chart = progress_of(project).criteria_charts

    assert trace(recall_chart.figure, "Experiments")["y"] == [24, 25]
    assert trace(latency_chart.figure, "Experiments")["y"] == [45]
    assert len(trace(latency_chart.figure, "Production")["y"]) < 400


def test_a_series_growing_long_takes_no_more_queries_however_long(client, project, owner):
    loss = add_criterion(project, owner, name="Loss", direction="lower", target=0.2)
    add_many_readings(project, owner, loss, [0.5] * 300, at(1))
    client.force_login(owner)
    url = project.get_absolute_url()
    count_queries(client, url)  # the first view also starts the project's reading summaries
    add_many_readings(project, owner, loss, [0.45] * 10, at(15))
    short = len(count_queries(client, url))

    add_many_readings(project, owner, loss, [0.4] * 500, at(20))
    long = len(count_queries(client, url))
    add_many_readings(project, owner, loss, [0.3] * 2000, at(25))

    assert long == short  # the summaries are read instead of the readings
    assert len(count_queries(client, url)) == long


def test_readings_of_other_projects_are_not_drawn(project, owner, team):
    from tests.factories import make_project

    other = make_project(team, owner, name="Other")
    mine = add_criterion(project, owner, name="Recall")
    theirs = add_criterion(other, owner, name="Recall")
    add_readings(project, owner, mine, (24, at(3)))
    add_readings(other, owner, theirs, (99, at(3)))

    [chart] = progress_of(project).criteria_charts

    assert trace(chart.figure, "Experiments")["y"] == [24]


# Likelihood of success


def log_likelihood(project, by, monday, likelihood, reason):
    experiment_add(
        project=project,
        week_start=monday,
        title=f"Week of {monday}",
        by=by,
        likelihood=likelihood,
        likelihood_reason=reason,
    )


def test_likelihood_is_a_point_per_estimated_week_with_its_reason(project, owner):
    weeks = [MONDAY + datetime.timedelta(weeks=n) for n in range(4)]
    log_likelihood(project, owner, weeks[3], 65, "Beats the rule on the test split")
    log_likelihood(project, owner, weeks[0], 40, "Baseline measured")
    log_likelihood(project, owner, weeks[1], 55, "Usage features help")
    experiment_add(project=project, week_start=weeks[2], title="No estimate this week", by=owner)

    chart = progress_of(project).likelihood
    [line] = chart.figure["data"]

    assert line["x"] == ["2026-03-02", "2026-03-09", "2026-03-23"]  # in week order
    assert line["y"] == [40, 55, 65]
    assert line["text"][1] == "55 % · week of 9 Mar 2026<br>Usage features help"
    assert chart.figure["layout"]["yaxis"]["range"] == [0, 100]
    assert chart.summary == (
        "65 % in the week of 23 Mar 2026 — Beats the rule on the test split. "
        "It started at 40 % in the week of 2 Mar 2026."
    )


def test_long_reasons_wrap_to_fit_a_phone(project, owner):
    reason = "Recall is up on the frozen split but the usage feed still arrives a day late"
    log_likelihood(project, owner, MONDAY, 60, reason)

    [line] = progress_of(project).likelihood.figure["data"]

    assert all(len(part) <= charts.HOVER_LINE_WIDTH for part in line["text"][0].split("<br>")[1:])


# The page


def test_page_shows_empty_states_in_words_and_loads_no_plotly(client, project, owner):
    add_criterion(project, owner, name="Recall")
    client.force_login(owner)

    content = page(client, project)

    assert 'id="progress"' in content
    assert charts.NO_READINGS in content
    assert charts.NO_LIKELIHOOD in content
    assert "plotly" not in content


def test_page_hands_the_figures_over_as_json(client, project, owner, viewer):
    recall = add_criterion(project, owner, name="Recall", baseline=19, target=35)
    add_readings(project, owner, recall, (24, at(3)))
    log_likelihood(project, owner, MONDAY, 40, "Baseline measured")
    client.force_login(viewer)

    content = page(client, project)

    assert "vendor/plotly/plotly-basic.min.js" in content
    assert "js/charts.js" in content
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in content
    assert f'data-chart="chart-criterion-{recall.pk}-figure"' in content
    figure = figure_on_page(content, f"chart-criterion-{recall.pk}")
    assert trace(figure, "Experiments")["y"] == [24]
    assert figure_on_page(content, "chart-likelihood")["data"][0]["y"] == [40]
    assert "Recall — higher is better" in content


def test_criteria_charts_are_grouped_like_the_criteria(client, project, owner):
    add_criterion(project, owner, name="Tickets routed right", kind="business")
    add_criterion(project, owner, name="Macro F1", kind="model")
    progress = progress_of(project)

    assert [c.title.split(" — ")[0] for c in progress.business] == ["Tickets routed right"]
    assert [c.title.split(" — ")[0] for c in progress.model] == ["Macro F1"]


def test_home_page_does_not_load_plotly(client, project, owner):
    recall = add_criterion(project, owner, name="Recall")
    add_readings(project, owner, recall, (24, at(3)))
    client.force_login(owner)

    content = client.get(reverse("lifecycle:home")).content.decode()

    assert "plotly" not in content
    assert "charts.js" not in content


def count_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return captured


def test_query_count_does_not_grow_with_readings_or_weeks(client, project, owner):
    criteria = [
        add_criterion(project, owner, name="Recall"),
        add_criterion(project, owner, name="Latency", kind="model", direction="lower", target=40),
    ]
    add_readings(project, owner, criteria[0], (24, at(2)))
    log_likelihood(project, owner, MONDAY, 40, "Baseline measured")
    client.force_login(owner)
    url = project.get_absolute_url()
    count_queries(client, url)  # the first view also starts the project's reading summaries
    add_readings(project, owner, criteria[0], (25, at(3)))  # new readings to catch up, as below
    baseline = len(count_queries(client, url))

    this_week = week_start(timezone.localdate())
    for n in range(1, 15):
        monday = this_week - datetime.timedelta(weeks=n)
        experiment_add(
            project=project,
            week_start=monday,
            title=f"Experiment {n}",
            by=owner,
            outcome="supported",
            readings=[ReadingInput("Recall", 24 + n, None), ReadingInput("Latency", 60 - n, None)],
            likelihood=40 + n,
            likelihood_reason=f"Reason {n}",
        )
        add_readings(project, owner, criteria[1], (50 - n, None), source="production")
    add_criterion(project, owner, name="Precision", kind="model")

    assert len(count_queries(client, url)) == baseline


def test_section_refreshes_do_not_read_the_charts(client, project, owner):
    recall = add_criterion(project, owner, name="Recall")
    add_readings(project, owner, recall, (24, at(3)))
    client.force_login(owner)
    url = reverse("lifecycle:project_section", args=[project.slug, "activity"])

    captured = count_queries(client, url, headers={"HX-Request": "true"})

    assert not any("lifecycle_reading" in q["sql"] for q in captured.captured_queries)
    assert not any("lifecycle_timebox" in q["sql"] for q in captured.captured_queries)
