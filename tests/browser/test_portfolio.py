"""The portfolio board in a real browser: switching view and filtering with htmx keep the URL in
step (so it can be shared), health explains itself on tap, and the board works on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lifecycle import services
from tests.browser_fixtures import PHONE
from tests.factories import make_project

pytestmark = pytest.mark.browser

BOARD = reverse("lifecycle:portfolio")


@pytest.fixture
def board_projects(team, owner, editor, project):
    route = make_project(team, editor, name="Route planner")
    services.project_move_to_stage(project=route, to_stage="prototyping", by=editor, reason="Go")
    services.project_set_blocker(project=route, text="Waiting for GPS data", expected="", by=editor)
    return project, route


def test_manager_switches_view_and_filters_without_reloading(
    login, open_page, manager, board_projects
):
    login(manager)
    page = open_page(BOARD)
    page.evaluate("window.notReloaded = true")  # gone if the page reloads
    expect(page.locator(".board-columns")).to_be_visible()

    page.get_by_text("Table", exact=True).click()
    expect(page.locator(".portfolio-table")).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?view=table")

    page.locator("select[name=stage]").select_option("prototyping")
    expect(page.locator(".portfolio-table tbody tr")).to_have_count(1)
    expect(page.locator(".portfolio-table tbody")).to_contain_text("Route planner")
    assert "stage=prototyping" in page.url and "view=table" in page.url

    page.locator("select[name=stage]").select_option("")
    page.locator("#filter-q").fill("churn")
    expect(page.locator(".portfolio-table tbody tr")).to_have_count(1)
    expect(page.locator(".portfolio-table tbody")).to_contain_text("Churn prediction")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?q=churn&view=table")
    assert page.evaluate("window.notReloaded") is True

    # The shared URL opens the same board, without JavaScript's help.
    shared = page.url
    page.goto(shared)
    expect(page.locator(".portfolio-table tbody tr")).to_have_count(1)
    expect(page.locator("#filter-q")).to_have_value("churn")


def test_health_says_why_on_tap(login, open_page, manager, board_projects):
    login(manager)
    page = open_page(BOARD + "?stage=prototyping")
    card = page.locator(".pcard", has_text="Route planner")
    reasons = card.locator(".health-reasons")
    expect(reasons).to_be_hidden()
    card.locator(".health summary").click()
    expect(reasons).to_be_visible()
    expect(reasons).to_contain_text("Blocked: Waiting for GPS data")


def test_the_board_fits_a_phone(login, open_page, page, manager, board_projects):
    page.set_viewport_size(PHONE)
    login(manager)
    open_page(BOARD)
    expect(page.locator(".pcard").first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"
    page.locator("select[name=health]").select_option("off_track")
    expect(page.locator(".pcard")).to_have_count(1)
    expect(page.locator(".pcard")).to_contain_text("Route planner")
