"""The team page in Chromium, under the CSP, on a laptop and a phone: an owner adds someone,
changes their role and removes them, all in place, the removal asked first.

Screenshots go to $TEAM_SCREENSHOTS when set (else the test's own temporary folder)."""

import os

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, Notification
from tests.factories import make_user

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_owner_adds_changes_and_removes_a_member(
    login, open_page, page, owner, team, viewport, tmp_path
):
    folder = os.environ.get("TEAM_SCREENSHOTS") or str(tmp_path)
    nina = make_user("nina", email="nina@example.com", first_name="Nina", last_name="Newcomer")
    login(owner)
    # The first page of a session warms the live server and Chromium (seconds on a busy machine).
    page.set_default_navigation_timeout(30_000)
    open_page(f"/teams/{team.slug}/")
    page.set_viewport_size(VIEWPORTS[viewport])
    url = page.url
    members = page.locator("#members")
    expect(members.locator(".member")).to_have_count(3)

    # Add Nina as an editor, by her email.
    adding = members.locator("form.member-add")
    adding.get_by_label("Username or email").fill("nina@example.com")
    adding.get_by_label("Role").select_option(label="Editor")
    adding.get_by_role("button", name="Add to team").click()
    expect(members.get_by_role("status")).to_have_text("Added Nina Newcomer as editor.")
    row = members.locator(".member", has_text="Nina Newcomer")
    expect(row.get_by_label("Role of Nina Newcomer", exact=True)).to_have_value("editor")
    expect(page.locator("#team-changes")).to_contain_text("added Nina Newcomer as editor")
    assert Notification.objects.filter(user=nina).count() == 1
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=f"{folder}/team-added-{viewport}.png", full_page=True, caret="initial")

    # Someone not found is told so, in place.
    members.get_by_label("Username or email").fill("nobody")
    members.get_by_role("button", name="Add to team").click()
    expect(members.locator(".error")).to_contain_text("No Waypoint account has the username")

    # Make her an owner.
    row = members.locator(".member", has_text="Nina Newcomer")
    row.get_by_label("Role of Nina Newcomer", exact=True).select_option(label="Owner")
    row.get_by_role("button", name="Save the role of Nina Newcomer").click()
    expect(members.get_by_role("status")).to_have_text("Nina Newcomer is now owner.")
    assert Membership.objects.get(team=team, user=nina).role == "owner"

    # Remove her: the question comes into her row first.
    row = members.locator(".member", has_text="Nina Newcomer")
    row.get_by_role("link", name="Remove Nina Newcomer").click()
    question = row.locator(".confirm-remove")
    expect(question).to_contain_text("Remove Nina Newcomer from Growth?")
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=f"{folder}/team-confirm-{viewport}.png", full_page=True, caret="initial")
    question.get_by_role("button", name="Remove Nina Newcomer").click()
    expect(members.get_by_role("status")).to_have_text("Removed Nina Newcomer from Growth.")
    expect(members.locator(".member")).to_have_count(3)
    expect(page.locator("#team-changes")).to_contain_text("removed Nina Newcomer")
    assert not Membership.objects.filter(team=team, user=nina).exists()
    page.screenshot(path=f"{folder}/team-removed-{viewport}.png", full_page=True, caret="initial")
    assert page.url == url  # all of it in place
