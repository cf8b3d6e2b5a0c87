"""The error pages in Chromium on a laptop and a phone, under the CSP: screenshots for people to
judge, next to the journeys' in build/screenshots/ (`errors-<page>-<desktop|phone>.png`), and
axe-core finds no serious or critical problem on any of them."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import make_demo, make_share_link
from tests.journeys.conftest import AXE, BLOCKING_IMPACTS, SCREENSHOTS, VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.error_urls")]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def session_cookie(user, base_url: str) -> list[dict]:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}]


def axe_violations(browser, base_url: str, url: str, cookies: list[dict], name: str) -> list[str]:
    # axe is a script of its own, which the CSP would block: a separate context without it.
    context = browser.new_context(bypass_csp=True, base_url=base_url)
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    context.close()
    report = [{k: v[k] for k in ("id", "impact", "help", "nodes")} for v in results]
    (SCREENSHOTS / f"{name}.axe.json").write_text(json.dumps(report, indent=1))
    return [
        f"{v['impact']}: {v['id']} ({v['help']})"
        for v in results
        if v["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_error_pages_look_right_and_pass_axe(
    browser, live_server, transactional_db, viewport, project, owner, viewer
):
    link = make_share_link(make_demo(project, owner), owner)
    pages = {
        # name: (who, address, status, heading)
        "404": (owner, "/projects/no-such-project/", 404, "We could not find that page"),
        "404-signed-out": (None, "/no/such/page/", 404, "We could not find that page"),
        "404-share-link": (None, f"/d/{link.token}/nothing/", 404, "This demo page is not here"),
        "403": (
            viewer,
            reverse("lifecycle:risk_new", args=[project.slug]),
            403,
            "You do not have access to do that",
        ),
        "400": (None, "/tests/suspicious/", 400, "Waypoint could not understand that request"),
        "500": (None, "/tests/explode/", 500, "Something went wrong on our side"),
        "403-refused-form": (owner, "/tests/refused-form/", 403, "Your form could not be sent"),
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for what, (user, url, status, heading) in pages.items():
        cookies = session_cookie(user, live_server.url) if user else []
        name = f"errors-{what}-{viewport}"
        look(browser, live_server.url, viewport, cookies, url, status, heading, name)
        problems += [
            f"{what}: {v}" for v in axe_violations(browser, live_server.url, url, cookies, name)
        ]
    assert not problems, "\n".join(problems)


def look(browser, base_url, viewport, cookies, url, status, heading, name) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=base_url)
    context.set_default_timeout(15_000)
    context.add_cookies(cookies)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    response = page.goto(url)
    assert response is not None and response.status == status, name
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Nothing runs off the side of a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    context.close()
    assert not blocked, f"{name}: {blocked}"
