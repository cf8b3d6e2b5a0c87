"""The bell and the notifications page in Chromium, under the CSP, on a laptop and a phone."""

import datetime
import os

import pytest
from django.utils import timezone

from accounts.selectors.notifications import unread_count
from accounts.services.notifications import notify, notify_gathered
from tests.browser_fixtures import PHONE

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def fill(owner, project):
    now = timezone.now()
    notify(
        users=[owner],
        kind="alert",
        title=f"{project.name}: no production readings for 3 days",
        url=project.get_absolute_url(),
        project=project,
        at=now - datetime.timedelta(hours=5),
    )
    notify(
        users=[owner],
        kind="reminder",
        title=f"No weekly log yet for {project.name}",
        body="Plan this week's experiments or log what you learned.",
        url=project.get_absolute_url(),
        project=project,
        at=now - datetime.timedelta(hours=1),
    )
    for comment in ("Not urgent at all", "Spot on"):
        notify_gathered(
            users=[owner],
            kind="feedback",
            title="New stakeholder feedback on “Which tickets are urgent?”",
            body=f"Head of support: agree — “{comment}”",
            url=project.get_absolute_url(),
            project=project,
        )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_bell_leads_to_the_list_where_things_are_marked_read(
    login, open_page, owner, project, viewport
):
    fill(owner, project)
    login(owner)
    page = open_page("/")
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    bell = page.get_by_role("link", name="Notifications: 3 unread")
    assert bell.is_visible()
    assert page.locator(".bell-count").inner_text() == "3"
    bell.click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_text("2 new").is_visible()  # two judgements gathered into one line
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    if folder := os.environ.get("NOTIFICATION_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/notifications-{viewport}.png", full_page=True)

    page.get_by_role("button", name=f"Mark read: “No weekly log yet for {project.name}”").click()
    page.get_by_role("link", name="Notifications: 2 unread").wait_for()  # the bell follows
    assert unread_count(owner) == 2
    page.get_by_role("button", name="Mark all read").click()
    page.get_by_role("link", name="Notifications: none unread").wait_for()
    page.locator(".notification.is-unread").first.wait_for(state="detached")
    assert page.get_by_text("Mark all read").count() == 0
    assert unread_count(owner) == 0

    page.get_by_role("link", name=f"{project.name}: no production readings for 3 days").click()
    page.wait_for_url(f"**{project.get_absolute_url()}")
