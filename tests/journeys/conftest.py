"""What the journeys share: one journey runs on a desktop and on a phone, in a fresh browser
context under the app's strict CSP; `journey.look(page, name)` screenshots the page for people to
judge and checks it with axe-core.

Screenshots go to build/screenshots/ (ignored by git; WAYPOINT_SCREENSHOTS moves it), named
`<journey>-<page>-<viewport>.png`, so a run leaves the desktop and phone look of every main page
the journeys visit side by side.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page

from tests.browser_fixtures import EXPECTED_STATUSES

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("WAYPOINT_SCREENSHOTS", ROOT / "build" / "screenshots"))

VIEWPORTS = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
BLOCKING_IMPACTS = ("serious", "critical")

# Name what the CSP blocked: Chromium's own message does not say which element or script.
EXPLAIN_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 160) : "";
  console.error(`CSP blocked ${event.violatedDirective} at ${event.sourceFile}:${event.lineNumber}`
    + ` (${event.sample}) on ${where}`);
});
"""

# The focused element shows it: an outline or a box-shadow (inputs use a soft ring).
FOCUS_STYLE = r"""() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    visible: outline || style.boxShadow !== "none",
    name: (element.getAttribute("aria-label") || element.textContent || element.name || "")
      .replace(/\s+/g, " ").trim().slice(0, 60),
    tag: element.tagName.toLowerCase(),
  };
}"""


class Journey:
    def __init__(self, browser, base_url: str, viewport: str, name: str, errors: list):
        self.browser = browser
        self.base_url = base_url
        self.viewport = viewport
        self.name = name
        self.errors = errors
        self.contexts: list[BrowserContext] = []
        self.looked: list[str] = []
        # Where look() writes, and how files are named there (the gallery has a folder of its own).
        self.folder = SCREENSHOTS

    def stem(self, what: str) -> str:
        return "-".join(part for part in (self.name, what, self.viewport) if part)

    @property
    def is_phone(self) -> bool:
        return self.viewport == "phone"

    def _context(self, **options) -> BrowserContext:
        context = self.browser.new_context(
            viewport=VIEWPORTS[self.viewport],
            base_url=self.base_url,
            accept_downloads=True,
            **options,
        )
        # Generous: the machine running the suite may be busy; expect() returns as soon as it holds.
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context

    def new_page(self, user=None) -> Page:
        """A page of a new browser (no cookies), logged in as `user` when given. The app's CSP
        applies: a blocked script or style is a console error, and fails the journey."""
        context = self._context()
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie.value,
                        "url": self.base_url,
                    }
                ]
            )
        page = context.new_page()
        page.add_init_script(EXPLAIN_CSP)

        def on_console(message):
            if message.type == "error" and not any(s in message.text for s in EXPECTED_STATUSES):
                self.errors.append(f"console on {page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror on {page.url}: {error}"))
        return page

    def look(self, page: Page, what: str) -> None:
        """Screenshot the page as it is now, then check the page at its URL with axe-core: no
        serious or critical violation."""
        self.shoot(page, what)
        violations = self.axe(page, what)
        assert not violations, f"axe on {what} ({page.url}, {self.viewport}):\n" + "\n".join(
            violations
        )
        self.looked.append(what)

    def shoot(self, page: Page, what: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=self.folder / f"{self.stem(what)}.png", full_page=True)

    def axe(self, page: Page, what: str) -> list[str]:
        # The app's CSP allows only its own scripts, so it would block axe-core: Playwright's
        # bypass_csp lifts it, in a separate context opened only for this check, with the same
        # cookies. The journey's own pages keep the CSP.
        context = self._context(bypass_csp=True, storage_state=page.context.storage_state())
        checked = context.new_page()
        checked.goto(page.url)
        checked.wait_for_function("window.htmx !== undefined")
        checked.add_script_tag(path=str(AXE))
        results = checked.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        context.close()
        self.contexts.remove(context)
        # Every violation, minor ones too, next to the screenshot: for people to read.
        report = [{k: v[k] for k in ("id", "impact", "help", "nodes")} for v in results]
        (self.folder / f"{self.stem(what)}.axe.json").write_text(json.dumps(report, indent=1))
        return [
            f"{v['impact']}: {v['id']} ({v['help']}) at "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in results
            if v["impact"] in BLOCKING_IMPACTS
        ]

    def assert_focus_visible(self, page: Page) -> dict:
        focused = page.evaluate(FOCUS_STYLE)
        assert focused is not None, "nothing has the keyboard focus"
        assert focused["visible"], (
            f"the focused {focused['tag']} “{focused['name']}” shows no focus"
        )
        return focused

    def tab_to(self, page: Page, name: str, limit: int = 80) -> None:
        """Press Tab until the focused element's text or label is `name`, checking that every
        element passed on the way shows its focus."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            if self.assert_focus_visible(page)["name"] == name:
                return
        raise AssertionError(f"“{name}” cannot be reached with Tab in {limit} presses")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(params=list(VIEWPORTS))
def journey(request, browser, live_server, transactional_db, page_errors):
    name = request.node.originalname.removeprefix("test_")
    journey = Journey(browser, live_server.url, request.param, name, page_errors)
    yield journey
    journey.close()
    assert not page_errors, "The pages logged errors:\n" + "\n".join(page_errors)
