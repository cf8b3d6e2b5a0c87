"""What a person sees while an action runs, and before one destroys something, in Chromium under
the CSP: the loading bar while an htmx answer is held back (static/js/waypoint.js), and the
question before a revocation or a removal, where saying no sends nothing."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from api.models import ApiToken
from api.services import api_token_create
from lifecycle.models import DigestSubscriber
from tests.journeys.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def record_posts(page) -> list[str]:
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    return posts


def answer(page, *, accept: bool) -> list[str]:
    """Answer the next dialog; the list gets its question."""
    questions: list[str] = []

    def on_dialog(dialog):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", on_dialog)
    return questions


def test_an_htmx_action_shows_the_loading_bar_until_its_answer_comes(login, open_page, page, owner):
    login(owner)
    open_page(reverse("accounts:profile"))
    held = []
    page.route("**/accounts/profile/tokens/", lambda route: held.append(route))  # held back
    bar = page.locator(".loading-bar")
    tokens = page.locator("#tokens")
    field = tokens.get_by_label("Name")
    button = tokens.get_by_role("button", name="Create token")

    field.fill("training laptop")
    button.click()
    expect(bar).to_be_visible()
    expect(bar).to_have_css("opacity", "1")  # after its short delay
    expect(bar).to_have_attribute("aria-label", "Loading")
    expect(tokens).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "loading-profile-desktop.png")  # for people to judge
    # A second try while the first is in flight sends nothing: its button is disabled.
    field.press("Enter")
    assert len(held) == 1 and not ApiToken.objects.exists()

    held[0].continue_()
    expect(tokens.get_by_role("status")).to_contain_text("training laptop")
    expect(bar).to_be_hidden()
    expect(page.locator("#tokens")).not_to_have_attribute("aria-busy", "true")
    expect(tokens.get_by_role("button", name="Create token")).to_be_enabled()
    assert len(held) == 1
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["training laptop"]


def test_the_loading_bar_stands_still_for_people_who_ask_for_less_motion(
    login, open_page, page, owner
):
    page.emulate_media(reduced_motion="reduce")
    login(owner)
    open_page(reverse("accounts:profile"))
    held = []
    page.route("**/accounts/profile/tokens/", lambda route: held.append(route))
    page.locator("#tokens").get_by_label("Name").fill("notebook")
    page.get_by_role("button", name="Create token").click()
    bar = page.locator(".loading-bar")
    expect(bar).to_have_css("opacity", "1")
    animation = bar.evaluate("bar => getComputedStyle(bar, '::before').animationName")
    assert animation == "none"
    held[0].continue_()
    expect(bar).to_be_hidden()


def test_saying_no_to_revoking_a_token_sends_nothing(login, open_page, page, owner):
    api_token_create(user=owner, name="notebook")
    login(owner)
    open_page(reverse("accounts:profile"))
    posts = record_posts(page)
    row = page.locator("#tokens .row", has_text="notebook")

    questions = answer(page, accept=False)
    row.get_by_role("button", name="Revoke").click()
    page.evaluate("1")  # a round trip: a request it had sent would have been reported by now
    assert questions == ["Revoke the token “notebook”? Scripts that use it will stop working."]
    assert posts == []
    assert ApiToken.objects.get().revoked_at is None

    answer(page, accept=True)
    row.get_by_role("button", name="Revoke").click()
    expect(row.locator(".tag")).to_contain_text("revoked")
    assert ApiToken.objects.get().revoked_at is not None


def test_saying_no_to_removing_a_stakeholder_by_keyboard_sends_nothing(
    login, open_page, page, owner, project
):
    DigestSubscriber.objects.create(
        project=project, name="Head of support", email="hos@example.com"
    )
    login(owner)
    open_page(reverse("lifecycle:digest_project", args=[project.slug]))
    posts = record_posts(page)
    remove = page.locator("#stakeholders .row", has_text="Head of support").get_by_role(
        "button", name="Remove"
    )

    questions = answer(page, accept=False)
    remove.focus()
    page.keyboard.press("Enter")
    page.evaluate("1")
    assert questions == ["Stop sending the weekly update to Head of support?"]
    assert posts == []
    assert DigestSubscriber.objects.filter(project=project).count() == 1

    answer(page, accept=True)
    remove.focus()
    page.keyboard.press("Enter")  # htmx sends the boosted form and swaps in the answer
    expect(page.locator("#stakeholders")).not_to_contain_text("Head of support")
    assert not DigestSubscriber.objects.filter(project=project).exists()
