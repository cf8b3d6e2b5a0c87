"""The project one-pager in a real browser: in-place editing with htmx, under the strict CSP."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifecycle import services
from tests.browser_fixtures import PHONE
from tests.factories import add_criterion, add_risk

pytestmark = pytest.mark.browser


def test_editor_edits_the_charter_in_place(login, open_page, editor, project):
    login(editor)
    page = open_page(project.get_absolute_url())
    url = page.url

    page.locator("#charter").get_by_role("link", name="Edit").click()
    form = page.locator("#charter-body form")
    form.get_by_label("Problem statement").fill("Agents lose **20 minutes** on every ticket.")
    with page.expect_response(lambda r: r.url.endswith("/section/activity/")) as refresh:
        form.get_by_role("button", name="Save").click()

    expect(page.locator("#charter-body strong")).to_have_text("20 minutes")
    expect(page.locator("#charter-body form")).to_have_count(0)
    assert page.url == url
    assert refresh.value.status == 200
    expect(page.locator("#activity")).to_contain_text("created the project")
    project.charter.refresh_from_db()
    assert project.charter.problem == "Agents lose **20 minutes** on every ticket."


def test_editor_adds_a_success_criterion_in_place(login, open_page, editor, project):
    login(editor)
    page = open_page(project.get_absolute_url())

    page.locator("#criteria").get_by_role("link", name="Add").click()
    form = page.locator("#criteria-add form")
    form.get_by_label("Name").fill("Tickets routed right")
    form.get_by_label("Kind").select_option(label="Business / user")
    form.get_by_label("Metric").fill("share of tickets in the right queue")
    form.get_by_label("Unit").fill("%")
    form.get_by_label("Baseline").fill("61")
    form.get_by_label("Target").fill("85")
    form.get_by_role("button", name="Save").click()

    row = page.locator("#criteria .criterion-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Tickets routed right")
    expect(row.locator(".target")).to_contain_text("85")
    expect(page.locator("#criteria-add form")).to_have_count(0)


def test_a_criterion_below_its_baseline_is_refused_next_to_the_field(
    login, open_page, editor, project
):
    login(editor)
    page = open_page(project.get_absolute_url())

    page.locator("#criteria").get_by_role("link", name="Add").click()
    form = page.locator("#criteria-add form")
    form.get_by_label("Name").fill("Handling time")
    form.get_by_label("Kind").select_option(label="Business / user")
    form.get_by_label("Metric").fill("minutes per ticket")
    form.get_by_label("Baseline").fill("20")
    form.get_by_label("Target").fill("12")
    form.get_by_label("Direction").select_option(label="Higher is better")
    form.get_by_role("button", name="Save").click()

    target_field = form.locator(".field.has-error")
    expect(target_field).to_have_count(1)
    expect(target_field.get_by_label("Target")).to_have_value("12")
    expect(target_field.locator(".error")).to_contain_text("target must be above the baseline")
    expect(form.get_by_label("Name")).to_have_value("Handling time")
    expect(form.get_by_label("Metric")).to_have_value("minutes per ticket")
    assert project.criteria.count() == 0


def test_a_concurrent_edit_shows_the_conflict_and_keeps_the_users_text(
    login, open_page, editor, owner, project
):
    login(editor)
    page = open_page(project.get_absolute_url())
    page.locator("#charter").get_by_role("link", name="Edit").click()
    form = page.locator("#charter-body form")
    form.get_by_label("Problem statement").fill("My framing of the problem.")

    # A colleague saves the same charter while the form is open.
    services.document_save(
        instance=project.charter,
        fields={"problem": "Their framing of the problem."},
        expected_version=1,
        by=owner,
    )
    form.get_by_role("button", name="Save").click()

    conflict = page.locator("#charter-body .conflict")
    expect(conflict).to_contain_text("Olivia Owner saved this section while you were editing")
    expect(conflict).to_contain_text("Their framing")
    expect(form.get_by_label("Problem statement")).to_have_value("My framing of the problem.")

    form.get_by_role("button", name="Save my version").click()
    expect(page.locator("#charter-body .prose")).to_have_text("My framing of the problem.")
    project.charter.refresh_from_db()
    assert project.charter.problem == "My framing of the problem."
    assert project.charter.version == 3


def test_editor_ticks_an_exit_criterion_in_place(login, open_page, editor, project):
    stage = project.stages.get(kind="ideation")
    item = services.exit_criterion_add(stage=stage, text="Problem agreed with support", by=editor)
    login(editor)
    page = open_page(project.get_absolute_url())

    panel = page.locator("#stage-ideation")
    panel.locator("summary").click()
    panel.get_by_role("button", name="Mark “Problem agreed with support” as done").click()

    undo = page.get_by_role("button", name="Mark “Problem agreed with support” as not done")
    expect(undo).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#stage-ideation")).to_have_attribute("open", "")
    item.refresh_from_db()
    assert item.done


def test_editing_a_stage_in_place_keeps_its_dates(login, open_page, editor, project):
    stage = project.stages.get(kind="ideation")
    start, end = datetime.date(2026, 3, 2), datetime.date(2026, 3, 27)
    services.document_save(
        instance=stage,
        fields={"planned_start": start, "planned_end": end},
        expected_version=stage.version,
        by=editor,
    )
    login(editor)
    page = open_page(project.get_absolute_url())

    panel = page.locator("#stage-ideation")
    panel.locator("summary").click()
    panel.get_by_role("link", name="Edit goals and dates").click()
    form = panel.locator("form.section-form")
    expect(form).to_be_visible()
    assert form.get_by_label("Planned start").input_value() == "2026-03-02"
    form.get_by_label("Goals").fill("Agree the problem with support.")
    form.get_by_role("button", name="Save").click()

    expect(page.locator("#stage-ideation .stage-doc")).to_contain_text("Agree the problem")
    stage.refresh_from_db()
    assert (stage.planned_start, stage.planned_end) == (start, end)


def test_a_viewer_sees_no_edit_buttons(login, open_page, viewer, owner, project):
    add_criterion(project, owner, name="Tickets routed right")
    add_risk(project, owner, title="Labels are noisy")
    login(viewer)
    page = open_page(project.get_absolute_url())

    expect(page.locator("#criteria")).to_contain_text("Tickets routed right")
    expect(page.locator("#risks")).to_contain_text("Labels are noisy")
    for name in ("Edit", "Add", "Delete", "Move stage", "Stop project"):
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)


def test_the_project_page_fits_a_phone(login, open_page, owner, project):
    services.document_save(
        instance=project.charter,
        fields={
            "problem": "Support agents triage **every** ticket by hand: "
            "https://intranet.example.com/support/triage-guidelines-for-new-agents-v3",
            "audience": "First-line support agents and their team leads.",
        },
        expected_version=1,
        by=owner,
    )
    add_criterion(project, owner, name="Tickets routed right", metric="share routed", unit="%")
    add_criterion(project, owner, name="Macro-F1", kind="model", metric="macro-F1", unit="")
    add_risk(project, owner, title="Labels from the old queue system are noisy and inconsistent")
    today = timezone.localdate()
    services.document_save(
        instance=project.stages.get(kind="ideation"),
        fields={
            "planned_start": today - datetime.timedelta(days=30),
            "planned_end": today - datetime.timedelta(days=5),
        },
        expected_version=1,
        by=owner,
    )
    login(owner)
    page = open_page(project.get_absolute_url())
    page.set_viewport_size(PHONE)

    page.locator("#charter").get_by_role("link", name="Edit").click()
    expect(page.locator("#charter-body form")).to_be_visible()
    page.locator("#stage-ideation summary").click()

    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
