"""Journey: a team member logs in, plans this week, logs an experiment with a reading and a new
likelihood, and sees the project's chart and its card on the board change."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifecycle.services.experiment_log import ReadingInput, experiment_add
from lifecycle.weeks import week_label, week_start
from tests.factories import PASSWORD, add_criterion

pytestmark = pytest.mark.browser


def test_team_member_logs_the_week(journey, editor, owner, project):
    add_criterion(project, owner, name="Macro F1", kind="model", unit="", baseline=0.6, target=0.8)
    this_week = week_start(timezone.localdate())
    experiment_add(
        project=project,
        week_start=this_week - datetime.timedelta(weeks=1),
        title="Keyword baseline",
        outcome="supported",
        readings=[ReadingInput("Macro F1", 0.62, None)],
        likelihood=40,
        likelihood_reason="The baseline works",
        by=owner,
    )
    label = week_label(this_week)

    # Log in with the form.
    page = journey.new_page()
    page.goto(project.get_absolute_url())
    expect(page.get_by_role("heading", name="Log in to Waypoint")).to_be_visible()
    journey.look(page, "login")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The project page: one estimate and one reading drawn so far.
    expect(page.get_by_role("heading", name="Churn prediction", level=1)).to_be_visible()
    expect(page.locator("#chart-likelihood .scatterlayer .point")).to_have_count(1)
    journey.look(page, "project")

    # Plan this week.
    page.get_by_role("link", name="Weekly log").click()
    week = page.locator(f"#week-{label}")
    expect(week).to_contain_text("This week")
    week.get_by_role("link", name="Plan an experiment").click()
    form = week.locator("form.section-form")
    form.get_by_label("Title").fill("Fine-tune a small BERT")
    form.get_by_label("Hypothesis").fill("Context beats keywords on short tickets.")
    form.get_by_role("button", name="Save").click()
    experiment = week.locator(".experiment")
    expect(experiment.locator(".outcome-badge")).to_have_text("Planned")

    # Log how it went: outcome, a reading, and a new likelihood for the week.
    experiment.get_by_role("link", name="Edit").click()
    form = experiment.locator("form.section-form")
    form.get_by_label("Outcome").select_option(label="Supported")
    form.get_by_label("Result").fill("Macro F1 up from 0.62 to 0.71.")
    form.get_by_role("button", name="Save").click()
    expect(experiment.locator(".outcome-badge")).to_have_text("Supported")

    experiment.locator("summary", has_text="Add a reading").click()
    reading = experiment.locator("form.reading-form")
    reading.get_by_label("Criterion").select_option(label="Macro F1")
    reading.get_by_label("Value").fill("0.71")
    reading.get_by_role("button", name="Add reading").click()
    expect(experiment.locator(".reading")).to_contain_text("0.71")

    week.get_by_role("link", name="Write the review").click()
    review = week.locator(f"#review-{label} form")
    review.get_by_label("Likelihood of success (%)").fill("65")
    review.get_by_label("Why, in one line").fill("BERT beat the baseline on the first try")
    review.get_by_role("button", name="Save").click()
    expect(week.locator(".likelihood-value")).to_have_text("65\u00a0%")
    journey.look(page, "log")

    # The project's charts now have this week's estimate and reading.
    page.get_by_role("link", name="Churn prediction").first.click()
    expect(page.locator("#chart-likelihood .scatterlayer .point")).to_have_count(2)
    macro_f1 = project.criteria.get(name="Macro F1")
    points = page.locator(f"#chart-criterion-{macro_f1.pk} .scatterlayer .trace").first
    expect(points.locator(".point")).to_have_count(2)

    # And its card on the board says so.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    card = page.locator(".pcard", has_text="Churn prediction")
    expect(card.locator(".pcard-facts")).to_contain_text("65 %")
    expect(card.locator(".spark")).to_have_attribute(
        "aria-label", "Likelihood up 25 points in 2 weeks"
    )
    journey.look(page, "board")
