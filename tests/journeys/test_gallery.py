"""The gallery: every main page, full and empty, on a desktop and on a phone, for people to judge
side by side (build/screenshots/gallery/, named `<page>-<desktop|phone>.png`).

The pages show the demo portfolio (`seed_demo`: realistic names, logs, demos, live traffic) and,
for each list, a viewer for whom it is empty. Each page is checked as a person would notice:
nothing wider than the phone's screen (no sideways scrolling), no control whose text is cut off,
and axe-core finds no serious or critical violation. Every page is visited before the test fails,
so one run lists every problem.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Team, User
from demos.models import Demo, JobStatus, UploadJob
from demos.services import demo_create, share_link_create
from lifecycle.models import Project
from tests.factories import make_project, make_team, make_user

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

GALLERY = SCREENSHOTS / "gallery"
CHURN = "churn-prediction-for-subscription-customers"
NO_DEMOS = "lead-scoring-for-inbound-sales"  # a seeded project without a demo
ACTIVE = "demand-forecasting-for-fresh-produce"
# What a person opens on a page before judging it: a form folded away by default.
OPEN_FIRST = {"log": ".add-reading summary"}
# On a phone the public page shows one short page of examples at a time (not an endless column).
PHONE_MAX_CARDS = 10

# A control whose text does not fit: a select narrower than its chosen option (measured with a
# hidden copy beside it that holds only that option, at its natural width), a button or a
# placeholder wider than its box. Hidden controls (a closed <details>) are left out.
CUT_OFF = r"""() => {
  const shown = (element) => element.checkVisibility({visibilityProperty: true});
  const name = (element) => `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}`
    + `${element.name ? "[name=" + element.name + "]" : ""}`;
  const problems = [];
  for (const select of document.querySelectorAll("select:not([multiple])")) {
    const option = select.options[select.selectedIndex];
    if (!shown(select) || !option) continue;
    const probe = select.cloneNode(false);
    probe.removeAttribute("id");
    probe.removeAttribute("name");
    probe.append(new Option(option.text));
    for (const [property, value] of [["position", "absolute"], ["visibility", "hidden"],
        ["width", "auto"], ["min-width", "0"], ["max-width", "none"], ["flex", "none"]]) {
      probe.style.setProperty(property, value, "important");
    }
    select.after(probe);
    const needed = probe.offsetWidth;
    probe.remove();
    if (needed > select.offsetWidth + 1) {
      problems.push(`${name(select)} shows “${option.text}” in ${select.offsetWidth}px`
        + ` (needs ${needed}px)`);
    }
  }
  const measure = document.createElement("canvas").getContext("2d");
  for (const input of document.querySelectorAll("input[placeholder]")) {
    if (!shown(input) || input.value) continue;
    const style = getComputedStyle(input);
    measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    if (measure.measureText(input.placeholder).width > room + 1) {
      problems.push(`${name(input)} placeholder “${input.placeholder}” is cut off`);
    }
  }
  for (const button of document.querySelectorAll("button, a.button, input[type=submit]")) {
    if (!shown(button)) continue;
    if (button.scrollWidth > button.clientWidth + 1) {
      problems.push(`button “${button.textContent.trim().slice(0, 60)}” is cut off`);
    }
  }
  return problems;
}"""


def _seed_world(settings, tmp_path) -> dict:
    """The demo portfolio, and the people and things whose lists are empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    dana = User.objects.get(username="dana")
    churn = Project.objects.get(slug=CHURN)
    demo = Demo.objects.filter(project=churn).first()
    assert demo is not None
    job = UploadJob.objects.filter(demo=demo, status=JobStatus.SUCCEEDED).first()
    assert job is not None
    link = share_link_create(demo=demo, viewer_name="Head of retention", by=dana)

    # Empty: a new team's owner (no projects), someone in no team, a demo without outputs.
    newcomer = make_user("nora", first_name="Nora", last_name="Newcomer")
    fresh = make_team("Fresh ideas", members={newcomer: "owner"})
    loner = make_user("lou", first_name="Lou", last_name="Loner")
    no_demos = Project.objects.get(slug=NO_DEMOS)
    bare = demo_create(project=no_demos, title="Which leads will buy?", by=dana)
    bare_link = share_link_create(demo=bare, viewer_name="Sales lead", by=dana)
    team = Team.objects.get(slug="customer-analytics")
    own = make_project(team, dana, name="A first idea")  # a project with nothing in it yet
    return {
        "dana": dana,
        "manager": User.objects.get(username="manager"),
        "sam": User.objects.get(username="sam"),  # a viewer of Customer analytics
        "newcomer": newcomer,
        "loner": loner,
        "churn": churn,
        "demo": demo,
        "job": job,
        "link": link,
        "fresh": fresh,
        "bare": bare,
        "bare_link": bare_link,
        "own": own,
    }


def _pages(world: dict) -> list[tuple[str, User | None, str]]:
    """(name, who looks, address) of every main page, then of each list when empty."""
    churn, demo, bare, own = world["churn"], world["demo"], world["bare"], world["own"]
    dana, manager, newcomer, loner, sam = (
        world[k] for k in ("dana", "manager", "newcomer", "loner", "sam")
    )
    at_demo = [CHURN, demo.pk]
    return [
        ("home", dana, reverse("lifecycle:home")),
        ("board-columns", manager, reverse("lifecycle:portfolio")),
        ("board-table", manager, reverse("lifecycle:portfolio") + "?view=table"),
        ("outcomes", manager, reverse("lifecycle:portfolio_outcomes")),
        ("project", dana, churn.get_absolute_url()),
        ("log", dana, reverse("lifecycle:project_log", args=[CHURN])),
        ("history", dana, reverse("lifecycle:project_history", args=[CHURN])),
        ("decision", world["dana"], reverse("lifecycle:project_move", args=[CHURN])),
        ("monitoring", dana, reverse("lifecycle:monitoring", args=[CHURN])),
        ("demos", dana, reverse("demos:demo_list", args=[CHURN])),
        ("demo", dana, reverse("demos:demo_detail", args=at_demo)),
        ("demo-view", dana, reverse("demos:demo_view", args=at_demo)),
        ("compare", dana, reverse("demos:compare", args=at_demo)),
        ("upload-job", dana, reverse("demos:upload_job", args=[*at_demo, world["job"].pk])),
        ("shared", None, world["link"].get_absolute_url()),
        ("teams", dana, reverse("teams:list")),
        ("team", dana, reverse("teams:detail", args=["customer-analytics"])),
        ("notifications", dana, reverse("notifications:list")),
        ("profile", dana, reverse("accounts:profile")),
        ("login", None, reverse("login")),
        ("password-reset", None, reverse("password_reset")),
        # Empty lists: what to do next, or whom to ask.
        ("home-empty-owner", newcomer, reverse("lifecycle:home")),
        ("home-empty-no-team", loner, reverse("lifecycle:home")),
        ("board-empty", loner, reverse("lifecycle:portfolio")),
        ("board-no-match", manager, reverse("lifecycle:portfolio") + "?q=zzzz"),
        ("teams-empty", loner, reverse("teams:list")),
        ("team-no-projects", newcomer, reverse("teams:detail", args=[world["fresh"].slug])),
        ("notifications-empty", loner, reverse("notifications:list")),
        ("project-new", dana, own.get_absolute_url()),
        ("log-empty", dana, reverse("lifecycle:project_log", args=[own.slug])),
        ("monitoring-empty", dana, reverse("lifecycle:monitoring", args=[own.slug])),
        ("history-empty", dana, reverse("lifecycle:project_history", args=[own.slug])),
        ("demos-empty", dana, reverse("demos:demo_list", args=[own.slug])),
        ("demos-empty-viewer", sam, reverse("demos:demo_list", args=[own.slug])),
        ("demo-empty", dana, reverse("demos:demo_detail", args=[NO_DEMOS, bare.pk])),
        ("demo-view-empty", dana, reverse("demos:demo_view", args=[NO_DEMOS, bare.pk])),
        ("shared-empty", None, world["bare_link"].get_absolute_url()),
    ]


def _problems(journey, page: Page, what: str) -> list[str]:
    problems = []
    if journey.is_phone:
        wide = page.evaluate("document.scrollingElement.scrollWidth")
        if wide > page.viewport_size["width"]:
            problems.append(f"{what}: {wide}px wide on a {page.viewport_size['width']}px phone")
    problems += [f"{what}: {problem}" for problem in page.evaluate(CUT_OFF)]
    problems += [f"{what}: axe {violation}" for violation in journey.axe(page, what)]
    return problems


def _turn_a_page(journey, page: Page) -> list[str]:
    """The public page shows a few examples at a time, and turning the page keeps the label."""
    problems = []
    cards = page.locator(".example-card")
    if not 0 < cards.count() <= PHONE_MAX_CARDS:
        problems.append(f"shared: {cards.count()} examples at once")
    chip = page.locator(".label-filter .filter-chip").nth(2)
    label = re.sub(r"[\d,\s]+$", "", chip.inner_text())  # less the count
    chip.click()
    expect(page.locator(".results-summary")).to_contain_text(f"labelled “{label}”")
    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pager-where")).to_contain_text("Page 2")
    expect(page.locator(".results-summary")).to_contain_text(f"labelled “{label}”")
    if not 0 < cards.count() <= PHONE_MAX_CARDS:
        problems.append(f"shared, page 2: {cards.count()} examples at once")
    journey.shoot(page, "shared-page-2")
    return problems


def test_gallery(journey, settings, tmp_path):
    world = _seed_world(settings, tmp_path)
    journey.folder, journey.name = GALLERY, ""
    problems: list[str] = []
    pages: dict = {}
    for what, user, url in _pages(world):
        key = user.pk if user else None
        if key not in pages:
            pages[key] = journey.new_page(user)
        page = pages[key]
        response = page.goto(url)
        assert response is not None and response.ok, f"{what}: {url} answered {response}"
        page.wait_for_function("window.htmx !== undefined")
        if what in OPEN_FIRST:
            page.locator(OPEN_FIRST[what]).first.click()
        journey.shoot(page, what)
        problems += _problems(journey, page, what)
        if what == "shared":
            problems += _turn_a_page(journey, page)
    assert not problems, "The gallery shows problems:\n" + "\n".join(problems)
