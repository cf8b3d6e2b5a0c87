"""Demos in a real browser: a share link opened without an account, under the strict CSP."""

import pytest
from playwright.sync_api import expect

from demos.models import Feedback
from demos.services import demo_create, share_link_create
from tests.browser_fixtures import PHONE
from tests.factories import make_dataset

pytestmark = pytest.mark.browser

TICKETS = [
    {"title": "Printer on fire", "text": "Smoke is coming out of tray 2 on the third floor."},
    {"title": "Server down", "text": "The web shop has been offline since 9:00."},
    {"title": "Password reset", "text": "I cannot log in since Monday."},
    {"title": "Newsletter", "text": "Please unsubscribe me from the weekly newsletter."},
]


@pytest.fixture
def link(project, owner):
    demo = demo_create(
        project=project, title="Which tickets are urgent?", intro="Judge **urgency**.", by=owner
    )
    make_dataset(demo, [0.95, 0.88, 0.6, 0.1], fields=TICKETS)
    return share_link_create(demo=demo, viewer_name="Head of support", by=owner)


def test_a_stakeholder_filters_and_agrees_in_place(open_page, link):
    page = open_page(link.get_absolute_url())
    expect(page.locator(".example-card")).to_have_count(4)
    expect(page.locator(".how-to-read")).to_contain_text("sorts each example")

    page.locator(".label-filter").get_by_role("link", name="Strong match").click()
    expect(page.locator(".example-card")).to_have_count(2)
    expect(page.locator(".results-summary")).to_contain_text("2 examples labelled “Strong match”")
    assert "label=0" in page.url

    card = page.locator(".example-card", has_text="Server down")
    card.get_by_text("Add a comment").click()
    card.get_by_label("Comment on t2").fill("Yes, the shop is losing money")
    card.get_by_role("button", name="Agree", exact=True).click()
    expect(card.locator(".verdict-now")).to_contain_text("You agree with this label")
    expect(card.locator(".verdict-now")).to_contain_text("Yes, the shop is losing money")
    expect(card.get_by_role("button", name="Agree", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    feedback = Feedback.objects.get()
    assert (feedback.verdict, feedback.comment, feedback.link) == (
        "agree",
        "Yes, the shop is losing money",
        link,
    )
    link.refresh_from_db()
    assert link.view_count == 1  # the filter was not a new visit


def test_the_shared_page_fits_a_phone(browser, live_server, link, page_errors):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and page_errors.append(m.text))
    page.goto(link.get_absolute_url())
    page.wait_for_function("window.htmx !== undefined")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= PHONE["width"]
    assert not page_errors


def test_the_team_page_previews_thresholds_live(login, open_page, owner, link):
    login(owner)
    demo = link.demo
    page = open_page(f"/projects/{demo.project.slug}/demos/{demo.pk}/")
    counts = page.locator(".preview-count strong")
    expect(counts).to_have_text(["2", "1", "1"])
    page.get_by_label("Band 1 starts at score").fill("0.9")
    expect(counts).to_have_text(["1", "2", "1"])
