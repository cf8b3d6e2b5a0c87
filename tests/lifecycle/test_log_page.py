"""The weekly log page: weeks newest first, gaps, plans, readings, likelihood, access, speed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lifecycle import services
from lifecycle.models import Experiment, Reading, Timebox
from lifecycle.selectors.history import project_history
from lifecycle.selectors.log import WEEKS_PER_PAGE, LogWeek
from lifecycle.services.experiment_log import (
    ReadingInput,
    experiment_add,
    experiment_readings_add,
    timebox_for_week,
    timebox_review_save,
    timebox_set_likelihood,
)
from lifecycle.weeks import week_label, week_start
from tests.factories import add_criterion, make_project, make_team

HTMX = {"HX-Request": "true"}
pytestmark = pytest.mark.django_db

THIS_WEEK = week_start(timezone.localdate())


def weeks_ago(n: int) -> datetime.date:
    return THIS_WEEK - datetime.timedelta(weeks=n)


def log_url(project, page=None):
    url = reverse("lifecycle:project_log", args=[project.slug])
    return f"{url}?page={page}" if page else url


def plan(project, by, title="Baseline", weeks_back=0, **fields):
    fields.setdefault("hypothesis", "A simple model beats the rule of thumb.")
    return experiment_add(
        project=project, week_start=weeks_ago(weeks_back), title=title, by=by, **fields
    )


def estimate(project, by, weeks_back, likelihood, reason="Because"):
    timebox = timebox_for_week(project=project, week_start=weeks_ago(weeks_back), by=by)
    return timebox_set_likelihood(timebox=timebox, likelihood=likelihood, reason=reason, by=by)


def shown_weeks(response):
    return [(week.label, week.is_gap) for week in response.context["weeks"]]


def backdate(project, weeks: int):
    project.created_at = timezone.now() - datetime.timedelta(weeks=weeks)
    project.save(update_fields=["created_at"])


# Weeks ----------------------------------------------------------------------------------------


def test_weeks_are_newest_first_with_this_week_on_top(client, project, owner):
    backdate(project, 5)
    plan(project, owner, weeks_back=1)
    plan(project, owner, weeks_back=3)
    client.force_login(owner)
    response = client.get(log_url(project))
    assert response.status_code == 200
    assert shown_weeks(response) == [
        (week_label(weeks_ago(0)), False),
        (week_label(weeks_ago(1)), False),
        (week_label(weeks_ago(2)), True),
        (week_label(weeks_ago(3)), False),
    ]


def test_this_week_slot_is_there_before_anything_is_logged(client, project, editor):
    client.force_login(editor)
    response = client.get(log_url(project))
    content = response.content.decode()
    this_week = response.context["weeks"][0]
    assert (this_week.label, this_week.is_this_week) == (week_label(THIS_WEEK), True)
    assert f'{this_week.label}</span> <span class="week-dates">· {this_week.dates}' in content
    assert "This week" in content
    assert "Nothing planned for this week yet" in content
    assert "Plan an experiment" in content
    assert not Timebox.objects.exists()  # looking does not create anything


@pytest.mark.parametrize(
    ("monday", "dates"),
    [
        (datetime.date(2026, 11, 23), "23–29 Nov"),
        (datetime.date(2026, 11, 30), "30 Nov – 6 Dec"),
        (datetime.date(2026, 12, 28), "28 Dec – 3 Jan"),
    ],
)
def test_week_dates_read_naturally(monday, dates):
    assert LogWeek(monday, None, [], monday, None).dates == dates


def test_a_missed_week_is_shown_as_a_gap(client, project, owner):
    plan(project, owner, weeks_back=4)
    plan(project, owner, weeks_back=2)
    client.force_login(owner)
    content = client.get(log_url(project)).content.decode()
    assert f"No log for {week_label(weeks_ago(3))}" in content
    assert f"No log for {week_label(weeks_ago(1))}" in content
    assert f"No log for {week_label(weeks_ago(2))}" not in content
    assert f"No log for {week_label(THIS_WEEK)}" not in content  # this week is still open


def test_before_anything_is_logged_the_log_starts_when_the_project_did(client, project, owner):
    backdate(project, 2)
    client.force_login(owner)
    assert shown_weeks(client.get(log_url(project))) == [
        (week_label(weeks_ago(0)), False),
        (week_label(weeks_ago(1)), True),
        (week_label(weeks_ago(2)), True),
    ]


def test_an_ended_projects_log_stops_the_week_it_ended(client, project, owner):
    backdate(project, 10)
    plan(project, owner, weeks_back=8)
    services.project_stop(project=project, by=owner, stop_reason="no_data", note="")
    project.refresh_from_db()
    project.ended_at = timezone.now() - datetime.timedelta(weeks=6)
    project.save(update_fields=["ended_at"])
    client.force_login(owner)
    weeks = shown_weeks(client.get(log_url(project)))
    assert weeks[0] == (week_label(weeks_ago(6)), True)
    assert weeks[-1] == (week_label(weeks_ago(8)), False)


def test_older_weeks_are_paginated(client, project, owner):
    backdate(project, 40)
    plan(project, owner, weeks_back=29)
    client.force_login(owner)
    first = client.get(log_url(project))
    assert len(first.context["weeks"]) == WEEKS_PER_PAGE <= 8  # a short column on a phone
    assert first.context["weeks"][0].label == week_label(THIS_WEEK)
    assert "Older weeks" in first.content.decode()
    pages, left = divmod(30, WEEKS_PER_PAGE)
    last = client.get(log_url(project, page=pages + bool(left)))
    assert [w.label for w in last.context["weeks"]][-1] == week_label(weeks_ago(29))
    assert len(last.context["weeks"]) == (left or WEEKS_PER_PAGE)
    assert "Newer weeks" in last.content.decode()


def test_log_page_query_count_is_flat_in_weeks_experiments_and_readings(
    client, project, owner, django_assert_max_num_queries
):
    add_criterion(project, owner, name="Macro F1", kind="model", baseline=0.6, target=0.8)
    add_criterion(project, owner, name="Recall", kind="model", baseline=0.5, target=0.7)
    plan(project, owner, weeks_back=1, readings=[ReadingInput("Macro F1", 0.7)])
    client.force_login(owner)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(log_url(project)).status_code == 200
        return len(captured)

    few = count()
    for weeks_back in range(2, 12):
        for n in range(3):
            experiment = plan(
                project,
                owner,
                title=f"Experiment {weeks_back}.{n}",
                weeks_back=weeks_back,
                links=["https://mlflow.example.com/runs/1"],
            )
            experiment_readings_add(
                experiment=experiment,
                readings=[ReadingInput("Macro F1", 0.7), ReadingInput("Recall", 0.6)],
                by=owner,
            )
        estimate(project, owner, weeks_back, 50 + weeks_back)
    assert count() == few
    with django_assert_max_num_queries(13):  # 12, and the header bell's unread count
        client.get(log_url(project))


def test_a_viewer_reads_the_log_without_edit_buttons(client, project, owner, viewer):
    plan(project, owner, title="TF-IDF baseline")
    client.force_login(viewer)
    content = client.get(log_url(project)).content.decode()
    assert "TF-IDF baseline" in content
    for label in ("Plan an experiment", "Add an experiment", "Add a reading", "Write the review"):
        assert label not in content
    assert "Edit</a>" not in content


def test_the_project_page_links_to_the_log(client, project, viewer):
    client.force_login(viewer)
    content = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{log_url(project)}"' in content


# Experiments ----------------------------------------------------------------------------------


def new_url(project, weeks_back=0):
    return reverse(
        "lifecycle:experiment_new", args=[project.slug, week_label(weeks_ago(weeks_back))]
    )


def edit_url(experiment):
    return reverse("lifecycle:experiment_edit", args=[experiment.project.slug, experiment.pk])


EXPERIMENT = {
    "title": "Fine-tune a small BERT",
    "hypothesis": "Context beats keywords on short tickets.",
    "outcome": "planned",
    "links": "https://colab.example.com/notebook-1\n\n  https://mlflow.example.com/runs/7  ",
}


def test_editor_plans_an_experiment_in_place(client, project, editor):
    client.force_login(editor)
    response = client.post(new_url(project), EXPERIMENT, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#week-{week_label(THIS_WEEK)}"
    assert "log-changed" in response["HX-Trigger"]
    content = response.content.decode()
    assert "<html" not in content
    assert "Fine-tune a small BERT" in content
    assert "Planned" in content
    experiment = Experiment.objects.get()
    assert experiment.timebox.week_start == THIS_WEEK
    assert experiment.links == [
        "https://colab.example.com/notebook-1",
        "https://mlflow.example.com/runs/7",
    ]
    assert experiment.created_by == editor


def test_planning_without_javascript_redirects_to_the_week(client, project, editor):
    client.force_login(editor)
    form_page = client.get(new_url(project, weeks_back=2))
    assert "<html" in form_page.content.decode()
    response = client.post(new_url(project, weeks_back=2), EXPERIMENT)
    assert response.status_code == 302
    assert response["Location"] == f"{log_url(project)}#week-{week_label(weeks_ago(2))}"


def test_new_experiments_go_to_the_end_of_the_plan(client, project, editor):
    client.force_login(editor)
    client.post(new_url(project), {**EXPERIMENT, "title": "First"})
    client.post(new_url(project), {**EXPERIMENT, "title": "Second"})
    assert list(Experiment.objects.values_list("title", flat=True)) == ["First", "Second"]


def test_an_experiment_needs_a_title_and_a_hypothesis(client, project, editor):
    client.force_login(editor)
    response = client.post(new_url(project), {"title": " ", "hypothesis": "", "outcome": "planned"})
    assert response.status_code == 422
    content = response.content.decode()
    assert "Give the experiment a short title." in content
    assert "Write the hypothesis" in content
    assert not Experiment.objects.exists()


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://files.example.com/x", "mlflow/runs/7", "http://"]
)
def test_links_must_be_web_addresses(client, project, editor, link):
    client.force_login(editor)
    data = {**EXPERIMENT, "links": f"https://ok.example.com/a\n{link}"}
    response = client.post(new_url(project), data, headers=HTMX)
    assert response.status_code == 422
    assert "Link 2" in response.content.decode()
    assert "http:// or https://" in response.content.decode()
    assert not Experiment.objects.exists()


def test_links_are_shown_as_safe_links(client, project, owner):
    # Written through the API or an older version: the page must not trust them either.
    run = "https://www.mlflow.example.com/#/experiments/12/runs/7"
    plan(project, owner, links=[run, "javascript:alert(1)"])
    client.force_login(owner)
    content = client.get(log_url(project)).content.decode()
    link = f'<a href="{run}" rel="noopener noreferrer nofollow">mlflow.example.com/#/experiments'
    assert link in content
    assert 'href="javascript' not in content


def test_experiment_text_is_sanitised_markdown(client, project, owner):
    plan(project, owner, hypothesis="**Bold** <script>alert('x')</script>")
    client.force_login(owner)
    content = client.get(log_url(project)).content.decode()
    assert "<strong>Bold</strong>" in content
    assert "<script>alert" not in content


def test_editor_concludes_an_experiment_in_place(client, project, owner, editor):
    experiment = plan(project, owner)
    client.force_login(editor)
    form = client.get(edit_url(experiment), headers=HTMX).content.decode()
    assert form.strip().startswith("<form")
    assert f'id="experiment-{experiment.pk}-title"' in form
    response = client.post(
        edit_url(experiment),
        {
            "title": "Baseline",
            "hypothesis": experiment.hypothesis,
            "outcome": "supported",
            "what_was_done": "Logistic regression on TF-IDF.",
            "result": "Macro F1 0.71",
            "links": "",
            "version": 1,
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#experiment-{experiment.pk}"
    assert "Supported" in response.content.decode()
    experiment.refresh_from_db()
    assert (experiment.outcome, experiment.result, experiment.version) == (
        "supported",
        "Macro F1 0.71",
        2,
    )


def test_editing_without_javascript_redirects_to_the_experiment(client, project, owner):
    experiment = plan(project, owner)
    client.force_login(owner)
    data = {"title": "Renamed", "hypothesis": "h", "outcome": "planned", "version": 1}
    response = client.post(edit_url(experiment), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"{log_url(project)}#experiment-{experiment.pk}")


def test_concurrent_experiment_edit_is_refused_and_keeps_the_users_text(
    client, project, owner, editor
):
    experiment = plan(project, owner, links=["https://a.example.com/run"])
    # The owner saves a result while the editor's form (version 1) is open.
    services.document_save(
        instance=experiment, fields={"result": "Their result."}, expected_version=1, by=owner
    )
    client.force_login(editor)
    mine = {
        "title": "Baseline",
        "hypothesis": "My sharper hypothesis.",
        "outcome": "planned",
        "result": "",
        "links": "https://a.example.com/run",
        "version": 1,
    }
    response = client.post(edit_url(experiment), mine, headers=HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Olivia Owner saved this section while you were editing" in content
    assert "My sharper hypothesis." in content  # the user's text is kept
    assert "Their result." in content  # a field the user did not touch takes their value
    assert "https://a.example.com/run</textarea>" in content
    experiment.refresh_from_db()
    assert experiment.hypothesis != "My sharper hypothesis."

    again = {**mine, "result": "Their result.", "version": 2}
    assert client.post(edit_url(experiment), again, headers=HTMX).status_code == 200
    experiment.refresh_from_db()
    assert (experiment.hypothesis, experiment.result) == ("My sharper hypothesis.", "Their result.")


def move_url(experiment):
    return reverse("lifecycle:experiment_move", args=[experiment.project.slug, experiment.pk])


def test_the_plan_is_reordered_with_up_and_down(client, project, owner):
    first, _, third = (plan(project, owner, title=t) for t in ("A", "B", "C"))
    client.force_login(owner)
    response = client.post(move_url(third), {"direction": "up"}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#plan-{week_label(THIS_WEEK)}"
    content = response.content.decode()
    assert content.index(">A<") < content.index(">C<") < content.index(">B<")

    response = client.post(move_url(first), {"direction": "down"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#experiment-{first.pk}")
    titles = list(Experiment.objects.order_by("position").values_list("title", flat=True))
    assert titles == ["C", "A", "B"]
    # Reordering is not an edit of the text: nobody's open form conflicts because of it.
    assert Experiment.objects.get(pk=first.pk).version == 1


def test_moving_the_first_experiment_up_changes_nothing(client, project, owner):
    first = plan(project, owner, title="A")
    plan(project, owner, title="B")
    client.force_login(owner)
    assert client.post(move_url(first), {"direction": "up"}).status_code == 302
    assert list(Experiment.objects.values_list("title", flat=True)) == ["A", "B"]
    assert client.post(move_url(first), {"direction": "sideways"}).status_code == 400


def test_an_experiment_of_another_project_is_404(client, project, owner, editor):
    other = make_project(make_team("Other", members={owner: "owner"}), owner, name="Other")
    experiment = plan(other, owner)
    client.force_login(editor)
    url = reverse("lifecycle:experiment_edit", args=[project.slug, experiment.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("week", ["2025-W53", "2026-W00", "2026-47"])
def test_a_week_that_does_not_exist_is_404(client, project, editor, week):
    client.force_login(editor)
    assert client.get(f"{log_url(project)}{week}/plan/").status_code == 404


# Readings -------------------------------------------------------------------------------------


def reading_url(experiment):
    return reverse("lifecycle:reading_add", args=[experiment.project.slug, experiment.pk])


@pytest.fixture
def macro_f1(project, owner):
    return add_criterion(
        project, owner, name="Macro F1", kind="model", unit="", baseline=0.6, target=0.8
    )


def test_a_reading_is_added_to_an_experiment_in_place(client, project, owner, editor, macro_f1):
    experiment = plan(project, owner)
    client.force_login(editor)
    response = client.post(
        reading_url(experiment), {"criterion": macro_f1.pk, "value": "0.71"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#experiment-{experiment.pk}"
    content = response.content.decode()
    assert "Macro F1" in content
    assert "0.71" in content
    assert "(target 0.8, ↑ better)" in content
    reading = Reading.objects.get()
    assert (reading.experiment, reading.criterion, reading.value) == (experiment, macro_f1, 0.71)
    assert reading.created_by == editor


def test_readings_show_the_unit_and_whether_the_target_is_met(client, project, owner):
    waste = add_criterion(
        project, owner, name="Fresh waste", unit="%", baseline=9, target=6, direction="lower"
    )
    experiment = plan(project, owner)
    experiment_readings_add(
        experiment=experiment,
        readings=[ReadingInput(waste.name, 6.4), ReadingInput(waste.name, 5.9)],
        by=owner,
    )
    client.force_login(owner)
    content = client.get(log_url(project)).content.decode()
    assert "5.9 %" in content
    assert "(target 6 %, ↓ better)" in content
    assert "target met" in content
    assert "latest of 2" in content


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "The value must be a number"),
        ("0,71", "The value must be a number"),
        ("inf", "The value must be a number"),
        ("", "Give the measured value."),
    ],
)
def test_a_reading_must_be_a_number(client, project, owner, editor, macro_f1, value, message):
    experiment = plan(project, owner)
    client.force_login(editor)
    response = client.post(
        reading_url(experiment), {"criterion": macro_f1.pk, "value": value}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#experiment-{experiment.pk}"
    assert message in response.content.decode()
    assert not Reading.objects.exists()


def test_a_reading_of_an_unknown_criterion_is_refused(client, project, owner, editor, macro_f1):
    other = make_project(project.team, owner, name="Other project")
    foreign = add_criterion(other, owner, name="Foreign")
    experiment = plan(project, owner)
    client.force_login(editor)
    response = client.post(reading_url(experiment), {"criterion": foreign.pk, "value": "1"})
    assert response.status_code == 422
    content = response.content.decode()
    assert "<html" in content  # without JavaScript: the form on a page of its own
    assert "Choose one of this project&#x27;s success criteria." in content
    assert not Reading.objects.exists()


def test_without_criteria_the_log_says_where_to_agree_them(client, project, owner):
    plan(project, owner)
    client.force_login(owner)
    content = client.get(log_url(project)).content.decode()
    assert "no success criteria to measure yet" in content


# The week's review and likelihood -------------------------------------------------------------


def review_url(project, weeks_back=0):
    return reverse(
        "lifecycle:week_review_edit", args=[project.slug, week_label(weeks_ago(weeks_back))]
    )


REVIEW = {"likelihood": "60", "likelihood_reason": "Beat the baseline", "review": "Learned a lot."}


@pytest.mark.parametrize(
    ("likelihood", "message"),
    [
        ("101", "from 0 to 100"),
        ("-5", "from 0 to 100"),
        ("60%", "whole number from 0 to 100"),
        ("sixty", "whole number from 0 to 100"),
    ],
)
def test_likelihood_is_a_percentage(client, project, editor, likelihood, message):
    client.force_login(editor)
    response = client.post(review_url(project), {**REVIEW, "likelihood": likelihood}, headers=HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Timebox.objects.exists()


def test_a_likelihood_needs_its_reason(client, project, editor):
    client.force_login(editor)
    response = client.post(review_url(project), {**REVIEW, "likelihood_reason": " "})
    assert response.status_code == 422
    assert "Say in one line what moved the estimate" in response.content.decode()


def test_review_of_an_unlogged_week_creates_it(client, project, editor):
    backdate(project, 3)
    client.force_login(editor)
    response = client.post(review_url(project, weeks_back=2), REVIEW, headers=HTMX)
    assert response.status_code == 200
    label = week_label(weeks_ago(2))
    assert response["HX-Retarget"] == f"#week-{label}"  # the gap becomes a week
    timebox = Timebox.objects.get()
    assert (timebox.week_start, timebox.likelihood, timebox.review) == (
        weeks_ago(2),
        60,
        "Learned a lot.",
    )


def test_review_of_a_logged_week_is_saved_in_place(client, project, owner, editor):
    plan(project, owner)
    client.force_login(editor)
    response = client.post(review_url(project), {**REVIEW, "version": 1}, headers=HTMX)
    assert response.status_code == 200
    label = week_label(THIS_WEEK)
    assert response["HX-Retarget"] == f"#review-{label}"
    content = response.content.decode()
    assert "60&nbsp;%" in content
    assert "first estimate" in content
    assert 'id="log-summary" class="log-summary" hx-swap-oob="true"' in content


def test_likelihood_shows_the_change_since_the_previous_estimate(client, project, owner):
    estimate(project, owner, 3, 55)
    estimate(project, owner, 2, 60)  # +5
    estimate(project, owner, 0, 50)  # −10 (week 1 has no estimate)
    client.force_login(owner)
    weeks = {w.label: w for w in client.get(log_url(project)).context["weeks"]}
    assert weeks[week_label(weeks_ago(3))].delta is None
    assert weeks[week_label(weeks_ago(2))].delta == 5
    assert weeks[week_label(weeks_ago(0))].delta == -10
    content = client.get(log_url(project)).content.decode()
    assert "60&nbsp;%</strong>" in content
    assert "▲ +5" in content
    assert "▼ −10" in content
    assert "first estimate" in content


def test_the_previous_estimate_is_found_on_an_older_page(client, project, owner):
    estimate(project, owner, 20, 40)
    estimate(project, owner, 2, 45)
    client.force_login(owner)
    weeks = {w.label: w for w in client.get(log_url(project)).context["weeks"]}
    assert weeks[week_label(weeks_ago(2))].delta == 5


def test_a_new_estimate_refreshes_the_newer_weeks_change(client, project, owner, editor):
    estimate(project, owner, 1, 60)
    plan(project, owner, weeks_back=2)
    client.force_login(editor)
    response = client.post(review_url(project, 2), {**REVIEW, "likelihood": "50", "version": 1})
    assert response.status_code == 302
    response = client.post(
        review_url(project, 2), {**REVIEW, "likelihood": "40", "version": 2}, headers=HTMX
    )
    content = response.content.decode()
    newer = week_label(weeks_ago(1))
    assert f'id="likelihood-{newer}" class="likelihood" hx-swap-oob="true"' in content
    assert "▲ +20" in content


def test_concurrent_review_edit_is_refused_and_keeps_the_users_text(client, project, owner, editor):
    timebox = timebox_for_week(project=project, week_start=THIS_WEEK, by=owner)
    timebox_review_save(
        project=project,
        week_start=THIS_WEEK,
        fields={"review": "Their review."},
        expected_version=1,
        by=owner,
    )
    client.force_login(editor)
    response = client.post(
        review_url(project), {**REVIEW, "review": "My review.", "version": 1}, headers=HTMX
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "My review." in content
    assert "Their review." in content
    timebox.refresh_from_db()
    assert timebox.review == "Their review."


def test_log_changes_are_in_the_project_history(client, project, owner, editor):
    experiment = plan(project, owner, title="Baseline")
    services.document_save(
        instance=experiment,
        fields={"outcome": "refuted", "links": ["https://a.example.com", "https://b.example.com"]},
        expected_version=1,
        by=editor,
    )
    timebox_review_save(
        project=project,
        week_start=THIS_WEEK,
        fields={"likelihood": 30, "likelihood_reason": "Refuted"},
        expected_version=1,
        by=editor,
    )
    entries = project_history(project)
    week = next(e for e in entries if e.section == "Week" and e.action == "changed")
    assert week.title == week_label(THIS_WEEK)
    assert [c.label for c in week.changes] == ["Likelihood of success", "Why"]
    changed = next(e for e in entries if e.section == "Experiment" and e.action == "changed")
    assert changed.title == "Baseline"
    assert changed.user == editor
    assert {c.label: c.new for c in changed.changes} == {
        "Outcome": "Refuted",
        "Links": "https://a.example.com\nhttps://b.example.com",
    }
    client.force_login(owner)
    content = client.get(reverse("lifecycle:project_history", args=[project.slug])).content
    assert 'changed <span class="section-name">experiment</span> “Baseline”' in content.decode()


# Who may do what ------------------------------------------------------------------------------

# Who may use each route is in the access matrix (tests/access_expectations.py).


def _objects(project, owner):
    criterion = add_criterion(project, owner, name="Macro F1", kind="model", target=0.8)
    experiment = plan(project, owner, title="Baseline")
    return {"experiment": experiment, "criterion": criterion, "week": week_label(THIS_WEEK)}


EXPERIMENT_EDIT = {"title": "T", "hypothesis": "H", "outcome": "supported", "version": 1}


def test_writes_by_a_viewer_change_nothing(client, project, owner, viewer):
    objects = _objects(project, owner)
    client.force_login(viewer)
    experiment = objects["experiment"]
    client.post(edit_url(experiment), EXPERIMENT_EDIT)
    client.post(reading_url(experiment), {"criterion": objects["criterion"].pk, "value": "1"})
    client.post(new_url(project), EXPERIMENT)
    client.post(review_url(project), {"likelihood": 10, "likelihood_reason": "x", "version": 1})
    experiment.refresh_from_db()
    assert (experiment.title, experiment.version) == ("Baseline", 1)
    assert Experiment.objects.count() == 1
    assert not Reading.objects.exists()
    assert Timebox.objects.get().likelihood is None
