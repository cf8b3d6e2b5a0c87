"""A real Chromium against pytest-django's live server, shared by the whole session.

Each test gets a fresh browser context (no cookies) and fails if the page logged an error:
that is how a script or style blocked by the Content-Security-Policy shows up.
"""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Conflict (409), invalid form (422) and a job not started because Redis is down (503) are
# answers the app gives on purpose, and htmx swaps them in; Chromium still logs every 4xx/5xx
# response of a request as a console error.
EXPECTED_STATUSES = ("status of 409", "status of 422", "status of 503")


@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page_errors():
    """Console errors, uncaught exceptions and CSP violations seen by the test's page."""
    return []


@pytest.fixture
def page(browser, live_server, transactional_db, page_errors):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(5_000)
    page = context.new_page()

    def on_console(message):
        if message.type == "error" and not any(s in message.text for s in EXPECTED_STATUSES):
            page_errors.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_errors.append(f"pageerror: {error}"))
    yield page
    context.close()
    assert not page_errors, "The page logged errors:\n" + "\n".join(page_errors)


@pytest.fixture
def login(page, live_server):
    """Log `user` in by handing the browser a session cookie made by Django's test client."""

    def login_as(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return login_as


@pytest.fixture
def open_page(page):
    """Go to `path` and wait until htmx has loaded (a blocked script would never get there)."""

    def go(path: str):
        page.goto(path)
        page.wait_for_function("window.htmx !== undefined")
        return page

    return go
