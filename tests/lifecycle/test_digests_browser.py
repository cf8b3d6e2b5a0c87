"""The digest previews in a real browser, under the CSP: readable on a laptop and a phone."""

import os

import pytest
from django.urls import reverse

from lifecycle.models import DigestSubscriber
from tests.browser_fixtures import PHONE

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_project_digest_preview_reads_well(login, open_page, editor, project, viewport):
    DigestSubscriber.objects.create(project=project, name="Sam Client", email="sam@client.example")
    login(editor)
    page = open_page(reverse("lifecycle:digest_project", args=[project.slug]) + "?week=2026-W48")
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    assert page.get_by_role("button", name="Send me the weekly update").is_visible()
    assert page.get_by_text("sam@client.example").is_visible()
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    if folder := os.environ.get("DIGEST_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/project-digest-{viewport}.png", full_page=True)


def test_manager_digest_preview_fits_a_phone(login, open_page, manager, project):
    login(manager)
    page = open_page(reverse("lifecycle:digest_manager") + "?week=2026-W48")
    page.set_viewport_size(PHONE)
    assert page.get_by_role("heading", name="No log this week").is_visible()
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    if folder := os.environ.get("DIGEST_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/manager-digest-phone.png", full_page=True)
