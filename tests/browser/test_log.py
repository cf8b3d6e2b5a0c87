"""The weekly log in a real browser: planning, concluding and estimating in place, under the CSP."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from lifecycle import services
from lifecycle.models import Experiment, Reading, Timebox
from lifecycle.services.experiment_log import ReadingInput, experiment_add, timebox_review_save
from lifecycle.weeks import week_label, week_start
from tests.browser_fixtures import PHONE
from tests.factories import add_criterion

pytestmark = pytest.mark.browser

THIS_WEEK = week_start(timezone.localdate())
LABEL = week_label(THIS_WEEK)


def log_path(project):
    return reverse("lifecycle:project_log", args=[project.slug])


def test_editor_plans_concludes_and_estimates_in_place(login, open_page, editor, owner, project):
    criterion = add_criterion(
        project, owner, name="Macro F1", kind="model", unit="", baseline=0.6, target=0.8
    )
    login(editor)
    page = open_page(log_path(project))
    url = page.url
    week = page.locator(f"#week-{LABEL}")
    expect(week).to_contain_text("This week")

    # Plan the first experiment of the week.
    week.get_by_role("link", name="Plan an experiment").click()
    form = week.locator("form.section-form")
    form.get_by_label("Title").fill("Fine-tune a small BERT")
    form.get_by_label("Hypothesis").fill("Context beats keywords on short tickets.")
    form.get_by_role("button", name="Save").click()
    experiment = week.locator(".experiment")
    expect(experiment).to_have_count(1)
    expect(experiment).to_contain_text("Fine-tune a small BERT")
    expect(experiment.locator(".outcome-badge")).to_have_text("Planned")
    expect(week.locator("form.section-form")).to_have_count(0)

    # Conclude it: outcome, result, and a reading against the success criterion.
    experiment.get_by_role("link", name="Edit").click()
    form = experiment.locator("form.section-form")
    form.get_by_label("Outcome").select_option(label="Supported")
    form.get_by_label("Result").fill("Macro F1 up from 0.62 to **0.71**.")
    form.get_by_label("Links").fill("https://mlflow.example.com/runs/7")
    form.get_by_role("button", name="Save").click()
    expect(experiment.locator(".outcome-badge")).to_have_text("Supported")
    expect(experiment.locator(".links a")).to_have_attribute(
        "href", "https://mlflow.example.com/runs/7"
    )

    experiment.locator("summary", has_text="Add a reading").click()
    reading = experiment.locator("form.reading-form")
    reading.get_by_label("Criterion").select_option(label="Macro F1")
    reading.get_by_label("Value").fill("0.71")
    reading.get_by_role("button", name="Add reading").click()
    expect(experiment.locator(".reading")).to_contain_text("0.71")
    expect(experiment.locator(".reading")).to_contain_text("(target 0.8, ↑ better)")

    # Update the likelihood of success for the week.
    week.get_by_role("link", name="Write the review").click()
    form = week.locator(f"#review-{LABEL} form")
    form.get_by_label("Likelihood of success (%)").fill("60")
    form.get_by_label("Why, in one line").fill("BERT beat the baseline on the first try")
    form.get_by_label("Week's review").fill("Context matters more than we thought.")
    form.get_by_role("button", name="Save").click()
    expect(week.locator(".likelihood-value")).to_have_text("60\u00a0%")
    expect(week.locator(".likelihood")).to_contain_text("first estimate")
    expect(page.locator("#log-summary")).to_contain_text("60\u00a0%")

    assert page.url == url  # all of it in place
    experiment_row = Experiment.objects.get()
    assert (experiment_row.outcome, experiment_row.links) == (
        "supported",
        ["https://mlflow.example.com/runs/7"],
    )
    assert Reading.objects.get().criterion == criterion
    assert Timebox.objects.get().likelihood == 60


def test_a_bad_reading_and_likelihood_are_refused_next_to_the_field(
    login, open_page, editor, owner, project
):
    add_criterion(project, owner, name="Macro F1", kind="model", unit="", target=0.8)
    experiment_add(
        project=project, week_start=THIS_WEEK, title="Baseline", hypothesis="h", by=owner
    )
    login(editor)
    page = open_page(log_path(project))
    experiment = page.locator(".experiment")

    experiment.locator("summary", has_text="Add a reading").click()
    reading = experiment.locator("form.reading-form")
    reading.get_by_label("Criterion").select_option(label="Macro F1")
    reading.get_by_label("Value").fill("0,71")
    reading.get_by_role("button", name="Add reading").click()
    expect(experiment.locator(".has-error .error")).to_contain_text("must be a number")
    expect(experiment.locator("form.reading-form").get_by_label("Value")).to_have_value("0,71")

    page.get_by_role("link", name="Write the review").click()
    form = page.locator(f"#review-{LABEL} form")
    form.get_by_label("Likelihood of success (%)").fill("120")
    form.get_by_label("Why, in one line").fill("Optimism")
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".has-error .error")).to_contain_text("from 0 to 100")
    assert not Reading.objects.exists()
    assert Timebox.objects.get().likelihood is None


def test_the_plan_is_reordered_in_place(login, open_page, owner, project):
    for title in ("Baseline", "TF-IDF", "BERT"):
        experiment_add(project=project, week_start=THIS_WEEK, title=title, hypothesis="h", by=owner)
    login(owner)
    page = open_page(log_path(project))
    page.get_by_role("button", name="Move “BERT” up").click()
    titles = page.locator(".experiment-title")
    expect(titles).to_have_text(["Baseline", "BERT", "TF-IDF"])
    assert list(Experiment.objects.order_by("position").values_list("title", flat=True)) == [
        "Baseline",
        "BERT",
        "TF-IDF",
    ]


def test_the_log_fits_a_phone(login, open_page, owner, project):
    criterion = add_criterion(
        project,
        owner,
        name="Share of tickets routed to the right queue on the first try",
        unit="%",
        baseline=61,
        target=85,
    )
    for weeks_back in (0, 1, 3):
        monday = THIS_WEEK - datetime.timedelta(weeks=weeks_back)
        experiment_add(
            project=project,
            week_start=monday,
            title="Fine-tune a multilingual transformer on two years of labelled tickets",
            hypothesis="Context beats keywords: " + "long words " * 20,
            result="Routed right: 78 %",
            outcome="supported" if weeks_back else "planned",
            links=[
                "https://mlflow.internal.example.com/#/experiments/12/runs/"
                "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8"
            ],
            readings=[ReadingInput(criterion.name, 78.5)],
            by=owner,
        )
        timebox_review_save(
            project=project,
            week_start=monday,
            fields={"likelihood": 60 + weeks_back, "likelihood_reason": "Better " * 20},
            expected_version=1,
            by=owner,
        )
    services.document_save(
        instance=Experiment.objects.first(),
        fields={"what_was_done": "Trained on https://data.example.com/" + "x" * 80},
        expected_version=1,
        by=owner,
    )
    login(owner)
    page = open_page(log_path(project))
    page.set_viewport_size(PHONE)

    page.locator(f"#week-{LABEL}").get_by_role("link", name="Add an experiment").click()
    expect(page.locator(f"#week-{LABEL} form.section-form")).to_be_visible()
    page.locator(".experiment").first.locator("summary", has_text="Add a reading").click()
    page.get_by_role("link", name="Write its review").first.click()

    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
