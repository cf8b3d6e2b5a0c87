"""The outcomes page: how far projects got, where and why stopped ones stopped, and time per
stage of shipped ones, in charts and in tables with the same numbers."""

import datetime

import pytest
from django.urls import reverse

from lifecycle import services
from lifecycle.models import Stage
from lifecycle.selectors.outcomes import count_axis
from tests.factories import make_project, make_team, make_user, watch

OUTCOMES = reverse("lifecycle:portfolio_outcomes")


def _to(project, stage, by):
    services.project_move_to_stage(project=project, to_stage=stage, by=by, reason="Next.")


def test_outcome_counts(client, manager, team, owner, project):
    _to(project, "prototyping", owner)
    services.project_stop(project=project, by=owner, stop_reason="criterion_not_reached", note="")
    early = make_project(team, owner, name="Early stop")
    services.project_stop(project=early, by=owner, stop_reason="no_data", note="")
    shipped = make_project(team, owner, name="Live")
    _to(shipped, "tech_transfer", owner)
    Stage.objects.filter(project=shipped, kind="tech_transfer").update(
        actual_start=datetime.date.today() - datetime.timedelta(days=30)
    )
    watch(shipped, owner)
    services.project_ship(project=shipped, by=owner, note="Live and watched.")
    make_project(team, owner, name="Still thinking")

    client.force_login(manager)
    response = client.get(OUTCOMES)
    assert response.status_code == 200
    context = response.context
    assert dict(context["reached"]) == {
        "Ideation": 4,
        "Data collection": 2,
        "Prototyping": 2,
        "Tech transfer": 1,
        "Monitoring": 1,
    }
    reasons = dict(context["reason_totals"])
    assert reasons["No data"] == 1
    assert reasons["Could not reach the success criterion"] == 1
    assert context["stopped_total"] == 2
    where = {row["stage"]: row["total"] for row in context["stop_table"]}
    assert where["Ideation"] == 1 and where["Prototyping"] == 1
    times = {row["stage"]: row for row in context["time_table"]}
    assert times["Tech transfer"]["median"] == 30
    page = response.content.decode()
    assert "plotly-basic.min.js" in page
    assert 'id="chart-stops-figure"' in page  # the figure, as JSON for the static script
    assert "<script>" not in page  # nothing inline: the CSP forbids it


def test_outcomes_count_only_visible_projects(client, viewer, project):
    lead = make_user("lena")
    other = make_project(make_team("Risk", members={lead: "owner"}), lead, name="Hidden")
    services.project_stop(project=other, by=lead, stop_reason="no_data", note="")
    client.force_login(viewer)
    context = client.get(OUTCOMES).context
    assert context["total"] == 1
    assert context["stopped_total"] == 0


def test_an_empty_portfolio_has_outcomes_without_charts(client, outsider):
    client.force_login(outsider)
    response = client.get(OUTCOMES)
    assert response.status_code == 200
    assert "No project has been stopped." in response.content.decode()


@pytest.mark.parametrize(
    "highest, step", [(1, 1), (5, 1), (6, 2), (18, 5), (25, 5), (26, 10), (2015, 500)]
)
def test_count_axes_mark_whole_projects_with_about_five_ticks(highest, step):
    axis = count_axis(highest)
    assert axis["dtick"] == step and axis["tickformat"] == ",d"
    assert highest / step <= 5
