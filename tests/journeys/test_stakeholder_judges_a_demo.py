"""Journey: a stakeholder opens a share link without an account, filters to one label, agrees
with one example and disagrees with another with a comment; the team sees both on the demo page."""

import pytest
from playwright.sync_api import expect

from demos.services import demo_create, share_link_create
from tests.factories import make_dataset

pytestmark = pytest.mark.browser

TICKETS = [
    {"title": "Printer on fire", "text": "Smoke is coming out of tray 2 on the third floor."},
    {"title": "Server down", "text": "The web shop has been offline since 9:00."},
    {"title": "Password reset", "text": "I cannot log in since Monday."},
    {"title": "Newsletter", "text": "Please unsubscribe me from the weekly newsletter."},
]


def test_stakeholder_judges_a_demo(journey, owner, project):
    demo = demo_create(
        project=project, title="Which tickets are urgent?", intro="Judge **urgency**.", by=owner
    )
    make_dataset(demo, [0.95, 0.88, 0.6, 0.1], fields=TICKETS)
    link = share_link_create(demo=demo, viewer_name="Head of support", by=owner)

    # The stakeholder, with no account.
    page = journey.new_page()
    page.goto(link.get_absolute_url())
    expect(page.locator(".example-card")).to_have_count(4)
    journey.look(page, "shared-demo")

    page.locator(".label-filter").get_by_role("link", name="Strong match").click()
    expect(page.locator(".example-card")).to_have_count(2)
    expect(page.locator(".results-summary")).to_contain_text("2 examples labelled “Strong match”")

    printer = page.locator(".example-card", has_text="Printer on fire")
    printer.get_by_role("button", name="Agree", exact=True).click()
    expect(printer.locator(".verdict-now")).to_have_text("You agree with this label.")

    server = page.locator(".example-card", has_text="Server down")
    server.get_by_text("Add a comment").click()
    server.get_by_label("Comment on t2").fill("Only the shop's staging server, not urgent")
    server.get_by_role("button", name="Disagree", exact=True).click()
    expect(server.locator(".verdict-now")).to_contain_text("You disagree with this label")
    expect(server.get_by_role("button", name="Disagree", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    journey.look(page, "shared-demo-filtered")

    # The team sees both judgements, the comment and who gave them.
    team = journey.new_page(owner)
    team.goto(project.get_absolute_url())
    team.get_by_role("link", name="Which tickets are urgent?").click()
    said = team.locator("#feedback .feedback-item")
    expect(said).to_have_count(2)
    agreed = said.filter(has_text="Printer on fire")
    expect(agreed.locator(".feedback-verdict")).to_have_text("Agree")
    expect(agreed).to_contain_text("Head of support")
    disagreed = said.filter(has_text="Server down")
    expect(disagreed.locator(".feedback-verdict")).to_have_text("Disagree")
    expect(disagreed.locator(".feedback-comment")).to_have_text(
        "Only the shop's staging server, not urgent"
    )
    strong = team.locator("#agreement tbody tr", has_text="Strong match")
    expect(strong.locator("td")).to_have_text(["2", "50 %"])
    journey.look(team, "demo")
