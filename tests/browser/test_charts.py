"""The progress charts in a real Chromium: drawn by plotly.js under the strict CSP, on a laptop
and on a phone. The page fixture fails a test on any console error, CSP violations included."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifecycle.services.experiment_log import ReadingInput, experiment_add, readings_add
from lifecycle.weeks import week_start
from tests.browser_fixtures import PHONE
from tests.factories import add_criterion

pytestmark = pytest.mark.browser

# Playwright runs this before the page's own scripts; it sees violations however they surface.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def logged_project(project, owner):
    """A project in prototyping shape: two criteria with readings, four weeks of estimates."""
    add_criterion(project, owner, name="Recall", unit="%", baseline=19, target=35)
    add_criterion(
        project, owner, name="Latency p99", kind="model", unit="ms", baseline=None, target=40,
        direction="lower",
    )  # fmt: skip
    this_week = week_start(timezone.localdate())
    for n in range(4, 0, -1):
        monday = this_week - datetime.timedelta(weeks=n)
        experiment_add(
            project=project,
            week_start=monday,
            title=f"Gradient boosting, round {5 - n}",
            by=owner,
            outcome="supported",
            readings=[
                ReadingInput("Recall", 20 + 3 * (5 - n), None),
                ReadingInput("Latency p99", 70 - 5 * (5 - n), None),
            ],
            likelihood=35 + 8 * (5 - n),
            likelihood_reason=f"Round {5 - n} beat the last one",
        )
    readings_add(
        project=project,
        readings=[ReadingInput("Latency p99", 44, None, "production")],
        by=owner,
    )
    return project


def open_with_csp_watch(page, open_page, path):
    page.add_init_script(WATCH_CSP)
    return open_page(path)


def test_charts_draw_under_the_strict_csp(login, page, open_page, viewer, logged_project):
    login(viewer)
    open_with_csp_watch(page, open_page, logged_project.get_absolute_url())

    charts = page.locator("#progress .chart")
    expect(charts).to_have_count(3)  # the likelihood and one per criterion
    expect(page.locator("#progress .chart .main-svg").first).to_be_visible()
    for index in range(3):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()
    expect(page.locator("#chart-likelihood .scatterlayer .point")).to_have_count(4)
    assert page.evaluate("window.cspViolations") == []
    # plotly.js found our stylesheet and injected none of its own.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    expect(page.locator("#progress .modebar")).to_have_count(0)


def test_hovering_a_reading_names_its_experiment(login, page, open_page, owner, logged_project):
    login(owner)
    open_with_csp_watch(page, open_page, logged_project.get_absolute_url())
    recall = logged_project.criteria.get(name="Recall")
    points = page.locator(f"#chart-criterion-{recall.pk} .scatterlayer .trace").first.locator(
        ".point"
    )
    expect(points).to_have_count(4)

    points.last.scroll_into_view_if_needed()
    box = points.last.bounding_box()  # plotly.js listens on a drag layer above the points
    page.mouse.move(box["x"] - 5, box["y"])
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=3)

    expect(page.locator(f"#chart-criterion-{recall.pk} .hoverlayer")).to_contain_text(
        "Gradient boosting, round 4"
    )
    assert page.evaluate("window.cspViolations") == []


def test_charts_fit_a_phone(login, page, open_page, owner, logged_project):
    page.set_viewport_size(PHONE)
    login(owner)
    open_with_csp_watch(page, open_page, logged_project.get_absolute_url())
    expect(page.locator("#progress .chart .main-svg").first).to_be_visible()

    widths = page.locator("#progress .chart").evaluate_all(
        "charts => charts.map(c => c.getBoundingClientRect().right)"
    )
    assert max(widths) <= PHONE["width"]
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")


def test_a_page_with_nothing_to_draw_says_so_without_plotly(login, page, open_page, owner, project):
    add_criterion(project, owner, name="Recall")
    login(owner)
    open_page(project.get_absolute_url())

    expect(page.locator("#progress")).to_contain_text("No readings yet")
    expect(page.locator("#progress")).to_contain_text("No likelihood estimates yet")
    assert page.evaluate("window.Plotly === undefined")
