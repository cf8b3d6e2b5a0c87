"""Stage moves and stop/ship decisions are recorded with who, when and why."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lifecycle import services
from lifecycle.models import EventKind, ProjectEvent
from tests.factories import watch

pytestmark = pytest.mark.django_db


def move(client, project, to_stage, reason="Ready"):
    url = reverse("lifecycle:project_move", args=[project.slug])
    return client.post(url, {"to_stage": to_stage, "reason": reason})


def stage(project, kind):
    return project.stages.get(kind=kind)


def test_moving_forward_records_who_when_and_why(client, project, editor):
    client.force_login(editor)
    response = move(client, project, "data_collection", "Charter and criteria agreed")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "data_collection"
    event = ProjectEvent.objects.get(project=project, kind=EventKind.STAGE_MOVED)
    assert (event.actor, event.from_stage, event.to_stage, event.reason) == (
        editor,
        "ideation",
        "data_collection",
        "Charter and criteria agreed",
    )
    assert timezone.now() - event.at < datetime.timedelta(minutes=1)
    today = timezone.localdate()
    assert stage(project, "ideation").status == "done"
    assert stage(project, "ideation").actual_end == today
    assert stage(project, "data_collection").status == "in_progress"
    assert stage(project, "data_collection").actual_start == today


def test_moving_back_is_recorded_as_a_backward_move(client, project, editor):
    client.force_login(editor)
    move(client, project, "prototyping", "Data was already there")
    move(client, project, "data_collection", "The labels turned out to be unusable")
    project.refresh_from_db()
    assert project.stage == "data_collection"
    back = ProjectEvent.objects.filter(project=project, kind=EventKind.STAGE_MOVED).first()
    assert back.is_backward
    assert stage(project, "prototyping").status == "not_started"
    assert stage(project, "data_collection").status == "in_progress"
    assert stage(project, "data_collection").actual_end is None
    content = client.get(project.get_absolute_url()).content.decode()
    assert "moved it back from Prototyping to Data collection" in content


def test_a_move_needs_a_reason(client, project, editor):
    client.force_login(editor)
    response = move(client, project, "data_collection", "")
    assert response.status_code == 422
    assert "Say why the project moves" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "ideation"


def test_moving_to_the_current_stage_is_refused(project, owner):
    with pytest.raises(services.DecisionError):
        services.project_move_to_stage(project=project, to_stage="ideation", by=owner, reason="x")


def test_stopping_records_stage_reason_and_note(client, project, owner):
    client.force_login(owner)
    move(client, project, "prototyping")
    url = reverse("lifecycle:project_stop", args=[project.slug])
    response = client.post(
        url, {"stop_reason": "criterion_not_reached", "note": "No lift over rules by week 8"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.ended_stage, project.stop_reason) == (
        "stopped",
        "prototyping",
        "criterion_not_reached",
    )
    event = ProjectEvent.objects.get(project=project, kind=EventKind.STOPPED)
    assert (event.actor, event.from_stage, event.stop_reason) == (
        owner,
        "prototyping",
        "criterion_not_reached",
    )
    content = client.get(project.get_absolute_url()).content.decode()
    assert "Stopped in Prototyping" in content
    assert "Could not reach the success criterion" in content


def test_stop_reason_other_needs_a_sentence(client, project, owner):
    client.force_login(owner)
    url = reverse("lifecycle:project_stop", args=[project.slug])
    response = client.post(url, {"stop_reason": "other", "note": ""})
    assert response.status_code == 422
    assert "say in a sentence why" in response.content.decode()
    project.refresh_from_db()
    assert project.status == "active"


def test_stop_reason_must_come_from_the_list(client, project, owner):
    client.force_login(owner)
    url = reverse("lifecycle:project_stop", args=[project.slug])
    response = client.post(url, {"stop_reason": "bored", "note": ""})
    assert response.status_code == 422
    project.refresh_from_db()
    assert project.status == "active"


def test_shipping_from_prototyping_is_refused_with_advice(client, project, owner):
    client.force_login(owner)
    move(client, project, "prototyping")
    url = reverse("lifecycle:project_ship", args=[project.slug])
    response = client.post(url, {"note": "Went live"})
    assert response.status_code == 422
    assert "ships from Tech transfer or Monitoring" in response.content.decode()


def test_shipping_needs_a_watched_criterion_and_says_where_to_add_one(client, project, owner):
    client.force_login(owner)
    move(client, project, "tech_transfer")
    url = reverse("lifecycle:project_ship", args=[project.slug])
    response = client.post(url, {"note": "Live for all agents"})
    assert response.status_code == 422
    assert "add at least one success criterion to watch" in response.content.decode()
    project.refresh_from_db()
    assert (project.status, project.stage) == ("active", "tech_transfer")
    assert not ProjectEvent.objects.filter(project=project, kind=EventKind.SHIPPED).exists()


def test_shipping_from_tech_transfer_moves_into_monitoring(client, project, owner):
    client.force_login(owner)
    move(client, project, "tech_transfer")
    watch(project, owner)
    url = reverse("lifecycle:project_ship", args=[project.slug])
    response = client.post(url, {"note": "Live for all agents; drift dashboard in place"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.stage, project.ended_stage) == (
        "shipped",
        "monitoring",
        "tech_transfer",
    )
    assert stage(project, "tech_transfer").status == "done"
    assert stage(project, "monitoring").status == "in_progress"
    assert ProjectEvent.objects.filter(project=project, kind=EventKind.SHIPPED).exists()


def test_an_ended_project_cannot_move_until_reopened(client, project, owner):
    client.force_login(owner)
    client.post(
        reverse("lifecycle:project_stop", args=[project.slug]),
        {"stop_reason": "superseded", "note": "A vendor tool does this now"},
    )
    response = move(client, project, "data_collection")
    assert response.status_code == 422
    assert "Reopen it" in response.content.decode()

    client.post(
        reverse("lifecycle:project_reopen", args=[project.slug]),
        {"reason": "The vendor contract fell through"},
    )
    project.refresh_from_db()
    assert (project.status, project.stop_reason, project.ended_stage) == ("active", "", "")
    assert ProjectEvent.objects.filter(project=project, kind=EventKind.REOPENED).exists()
    assert move(client, project, "data_collection").status_code == 302


def test_stage_moves_appear_in_history(client, project, editor):
    from lifecycle.selectors.history import project_history

    client.force_login(editor)
    move(client, project, "data_collection")
    changes = [
        change
        for entry in project_history(project)
        if entry.section == "Project"
        for change in entry.changes
    ]
    assert any(c.old == "Ideation" and c.new == "Data collection" for c in changes)
