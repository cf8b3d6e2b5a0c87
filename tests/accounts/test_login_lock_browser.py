"""The login lock in a real Chromium: the message on our own page, under the strict CSP."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def submit(page, username, password):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Log in").click()


def test_the_fifth_wrong_password_shows_the_lock_on_the_login_page(page, page_errors, owner):
    page.add_init_script(WATCH_CSP)
    page.goto("/accounts/login/")
    for _ in range(4):
        submit(page, "olivia", "wrong")
        expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
    submit(page, "olivia", "wrong")
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed attempts for this account. Try again in 15 minutes."
    )
    expect(page.get_by_role("heading", name="Log in to Waypoint")).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value("olivia")

    submit(page, "olivia", PASSWORD)  # the right password, while locked
    expect(page.get_by_role("alert")).to_contain_text("Try again in 15 minutes.")
    assert page.evaluate("window.cspViolations") == []
    # Chromium logs the lock's 429 itself as a console error; that answer is the point here.
    page_errors[:] = [error for error in page_errors if "status of 429" not in error]
