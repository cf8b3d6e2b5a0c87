"""Journey: a manager opens the board, filters to the projects at risk, opens one (by keyboard),
reads why it is at risk, and downloads the board as CSV."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifecycle import services
from lifecycle.services.experiment_log import experiment_add
from lifecycle.weeks import week_start
from tests.factories import make_project

pytestmark = pytest.mark.browser

WHY = "Likelihood fell 12 points in 4 weeks (now 58 %)"


def test_manager_reviews_the_portfolio(journey, manager, team, owner, editor, project):
    this_week = week_start(timezone.localdate())
    for weeks_back, likelihood in zip((3, 2, 1, 0), (70, 66, 62, 58), strict=True):
        experiment_add(
            project=project,
            week_start=this_week - datetime.timedelta(weeks=weeks_back),
            title=f"Round {4 - weeks_back}",
            outcome="refuted",
            likelihood=likelihood,
            likelihood_reason="Labels are noisier than we hoped",
            by=owner,
        )
    route = make_project(team, editor, name="Route planner")
    services.project_set_blocker(project=route, text="Waiting for GPS data", expected="", by=editor)
    make_project(team, editor, name="Invoice reader")

    page = journey.new_page(manager)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    expect(page.locator(".pcard")).to_have_count(3)
    journey.look(page, "board")

    page.get_by_label("Health", exact=True).select_option(label="At risk")
    expect(page.locator(".pcard")).to_have_count(1)
    expect(page).to_have_url(f"{page.url.split('?')[0]}?health=at_risk")
    card = page.locator(".pcard")
    expect(card.locator(".health summary")).to_have_text("At risk")
    journey.look(page, "board-at-risk")

    # Open it with the keyboard only: every stop on the way shows where the focus is.
    journey.tab_to(page, "Churn prediction")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Churn prediction", level=1)).to_be_visible()
    health = page.locator(".project-health")
    expect(health.locator("summary")).to_have_text("At risk")
    expect(health.locator(".health-why")).to_have_text(WHY)
    journey.look(page, "project-at-risk")

    page.go_back()
    expect(page.locator(".pcard")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert len(rows) == 1, rows
    [row] = rows
    assert "Churn prediction" in row.values()
    assert any(WHY in value for value in row.values()), row
