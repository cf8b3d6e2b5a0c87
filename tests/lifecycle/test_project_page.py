"""The one-pager: what it shows, and that it stays cheap as documents grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lifecycle import services
from lifecycle.timeline import stage_timeline
from tests.factories import add_criterion, add_risk

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_criteria_risks_or_history(client, project, owner):
    client.force_login(owner)
    url = project.get_absolute_url()
    add_criterion(project, owner, name="First")
    add_risk(project, owner, owner=owner)
    project.stages.get(kind="ideation").exit_criteria.create(text="Agreed")
    baseline = count_queries(client, url)

    for n in range(20):
        add_criterion(project, owner, name=f"Criterion {n}", kind="model" if n % 2 else "business")
        add_risk(project, owner, title=f"Risk {n}", owner=owner)
        project.stages.get(kind="prototyping").exit_criteria.create(text=f"Exit {n}")
        services.document_save(
            instance=project.stop_rule,
            fields={"text": f"Rule {n}"},
            expected_version=project.stop_rule.version,
            by=owner,
        )
        project.stop_rule.refresh_from_db()
    services.project_move_to_stage(
        project=project, to_stage="data_collection", by=owner, reason="Go"
    )
    assert count_queries(client, url) == baseline


def test_overdue_stage_is_flagged_with_days_late(client, project, owner):
    today = timezone.localdate()
    ideation = project.stages.get(kind="ideation")
    services.document_save(
        instance=ideation,
        fields={
            "planned_start": today - datetime.timedelta(days=30),
            "planned_end": today - datetime.timedelta(days=9),
        },
        expected_version=ideation.version,
        by=owner,
    )
    client.force_login(owner)
    content = client.get(project.get_absolute_url()).content.decode()
    assert "9 days late" in content


def test_stage_finished_late_is_not_overdue(project):
    stage = project.stages.get(kind="ideation")
    stage.planned_end = timezone.localdate() - datetime.timedelta(days=3)
    stage.status = "done"
    assert not stage.is_overdue()


def test_timeline_places_planned_and_actual_spans_on_one_axis(project):
    start = datetime.date(2026, 1, 1)
    stages = list(project.stages.all())
    stages[0].planned_start, stages[0].planned_end = start, datetime.date(2026, 1, 31)
    stages[0].actual_start, stages[0].actual_end = start, datetime.date(2026, 2, 15)
    stages[1].planned_start, stages[1].planned_end = (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 4, 11),
    )
    stages[1].actual_start = datetime.date(2026, 2, 16)
    timeline = stage_timeline(stages, today=datetime.date(2026, 4, 11))  # 100 days in all
    first, second = timeline.rows[0], timeline.rows[1]
    assert (first.planned.left, first.planned.width) == (0, 30)
    assert (first.actual.left, first.actual.width) == (0, 45)
    assert (second.planned.left, second.planned.width) == (31, 69)
    assert second.actual.left == 46  # still running: drawn up to today
    assert timeline.today.left == 100


def test_page_shows_the_documents(client, project, owner, viewer):
    add_criterion(project, owner, name="Tickets routed right")
    add_risk(project, owner, title="Agents ignore suggestions", category="adoption")
    services.document_save(
        instance=project.stop_rule,
        fields={"text": "No lift over the keyword rules by week 8"},
        expected_version=1,
        by=owner,
    )
    client.force_login(viewer)
    content = client.get(project.get_absolute_url()).content.decode()
    for text in [
        "Churn prediction",
        "Tickets routed right",
        "Agents ignore suggestions",
        "No lift over the keyword rules by week 8",
        "Ideation",
        "created the project",
    ]:
        assert text in content
    assert reverse("lifecycle:charter_edit", args=[project.slug]) not in content  # read-only


def test_section_refresh_needs_htmx_and_a_known_section(client, project, owner):
    client.force_login(owner)
    url = reverse("lifecycle:project_section", args=[project.slug, "activity"])
    assert client.get(url).status_code == 302
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    bad = reverse("lifecycle:project_section", args=[project.slug, "secrets"])
    assert client.get(bad, headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.85, "0.85"), (12.0, "12"), (1250000.0, "1,250,000"), (0.33333333, "0.3333"), (None, "")],
)
def test_metric_numbers_read_as_people_write_them(value, shown):
    from plumbing.numbers import number

    assert number(value) == shown


def test_new_project_link_is_offered_only_to_people_who_may_start_one(
    client, project, editor, viewer
):
    url = reverse("lifecycle:project_new")
    client.force_login(viewer)
    assert url not in client.get(reverse("lifecycle:home")).content.decode()
    client.force_login(editor)
    assert url in client.get(reverse("lifecycle:home")).content.decode()


def test_details_are_edited_in_place(client, project, editor):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:details_edit", args=[project.slug]),
        {"name": "Churn early warning", "summary": "", "owner": editor.pk, "version": 1},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Retarget"] == "#details"
    assert "<h1>Churn early warning</h1>" in response.content.decode()
