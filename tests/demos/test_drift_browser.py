"""Live traffic and its drift in a real browser, under the strict CSP: marked with htmx on the
demo page, read on a laptop and on a phone; the compare page's spread of scores."""

import numpy as np
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demos.services import demo_create
from tests.browser_fixtures import PHONE
from tests.factories import make_dataset

pytestmark = pytest.mark.browser


@pytest.fixture
def served(project, owner):
    demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
    rng = np.random.default_rng(4)
    reference = make_dataset(demo, rng.beta(2, 5, 300).tolist(), version="v3")
    live = make_dataset(demo, rng.beta(4, 2, 200).tolist(), version="prod-week-48")
    return demo, reference, live


def test_an_editor_marks_live_traffic_and_reads_its_drift(
    open_page, login, editor, served, tmp_path
):
    demo, reference, live = served
    login(editor)
    page = open_page(reverse("demos:demo_detail", args=[demo.project.slug, demo.pk]))
    section = page.locator("#live")
    expect(section).to_contain_text("No model version is marked as live traffic")
    section.get_by_label("Live traffic").select_option(label="prod-week-48")
    section.get_by_label("served by").select_option(label="v3")
    section.get_by_role("button", name="Mark as live traffic").click()

    expect(page.locator("#live .drift-words")).to_contain_text("Significant drift (PSI ")
    expect(page.locator("#live")).to_contain_text("“prod-week-48”: live traffic, served by v3")
    expect(page.locator("#live .drift-bands tbody tr")).to_have_count(10)
    page.locator("#live").screenshot(path=tmp_path / "live-desktop.png")
    live.refresh_from_db()
    assert (live.live_of_id, live.drift_level) == (reference.pk, "significant")


def test_the_drift_reads_on_a_phone(browser, live_server, served, owner, page_errors, tmp_path):
    from demos.services.live import dataset_mark_live

    demo, reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(owner)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and page_errors.append(m.text))
    for name, url in (
        ("demo", reverse("demos:demo_detail", args=[demo.project.slug, demo.pk])),
        (
            "compare",
            reverse("demos:compare", args=[demo.project.slug, demo.pk])
            + f"?a={reference.pk}&b={live.pk}",
        ),
    ):
        page.goto(url)
        section = page.locator("#live" if name == "demo" else "#spread")
        expect(section.locator(".drift-words")).to_be_visible()
        box = section.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"], f"the {name} page scrolls sideways ({overflow}px)"
        section.screenshot(path=tmp_path / f"{name}-phone.png")
    context.close()
    assert not page_errors
