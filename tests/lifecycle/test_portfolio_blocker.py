"""Blockers: only a project's owner sets or clears one; every change is in the decision log;
two owners editing at once do not overwrite each other; the project page shows health."""

import re

import pytest
from django.urls import reverse

from lifecycle import services
from lifecycle.models import EventKind, ProjectEvent


def blocker_url(project):
    return reverse("lifecycle:project_blocker", args=[project.slug])


def test_the_owner_sets_a_blocker_and_it_is_logged(client, owner, project):
    client.force_login(owner)
    assert client.get(blocker_url(project)).status_code == 200
    response = client.post(blocker_url(project), {"blocker": "Legal review", "expected": ""})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.blocker == "Legal review"
    assert project.blocker_since is not None
    event = ProjectEvent.objects.filter(project=project).first()
    assert (event.kind, event.reason, event.actor) == (EventKind.BLOCKER_SET, "Legal review", owner)


def test_the_owner_clears_the_blocker_and_it_is_logged(client, owner, project):
    services.project_set_blocker(project=project, text="Legal review", expected="", by=owner)
    client.force_login(owner)
    response = client.post(
        blocker_url(project), {"blocker": "Legal review", "expected": "Legal review", "clear": "1"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.blocker == ""
    assert project.blocker_since is None
    event = ProjectEvent.objects.filter(project=project).first()
    assert (event.kind, event.reason) == (EventKind.BLOCKER_CLEARED, "Was: Legal review")


def test_a_blocker_changed_meanwhile_is_a_conflict_that_keeps_the_text(client, owner, project):
    client.force_login(owner)
    services.project_set_blocker(project=project, text="Budget freeze", expected="", by=owner)
    response = client.post(blocker_url(project), {"blocker": "Legal review", "expected": ""})
    assert response.status_code == 409
    page = response.content.decode()
    assert "it is now: Budget freeze" in page
    assert "Legal review" in page  # the user's text is kept
    project.refresh_from_db()
    assert project.blocker == "Budget freeze"
    # Saving again from the conflict screen (which carries the new expected value) works.
    response = client.post(
        blocker_url(project), {"blocker": "Legal review", "expected": "Budget freeze"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.blocker == "Legal review"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"blocker": "", "expected": ""}, "Say what blocks the project."),
        ({"blocker": "x" * 300, "expected": ""}, "at most 280 characters"),
    ],
)
def test_bad_input_gets_a_clear_message(client, owner, project, data, message):
    client.force_login(owner)
    response = client.post(blocker_url(project), data)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_a_blocker_shows_on_the_board_until_cleared(client, owner, manager, project):
    services.project_set_blocker(project=project, text="Legal review", expected="", by=owner)
    client.force_login(manager)
    assert "Blocked: Legal review" in client.get(reverse("lifecycle:portfolio")).content.decode()
    services.project_set_blocker(project=project, text="", expected="Legal review", by=owner)
    assert "Legal review" not in client.get(reverse("lifecycle:portfolio")).content.decode()


def test_the_project_page_shows_the_same_health_and_why(client, owner, viewer, project):
    services.project_set_blocker(project=project, text="Legal review", expected="", by=owner)
    client.force_login(viewer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Off track" in page
    assert "Blocked: Legal review" in page
    assert re.search(r"Olivia Owner</strong>\s+set a blocker", page)  # the decision log
    assert blocker_url(project) not in page  # only the owner gets the link
    client.force_login(owner)
    assert blocker_url(project) in client.get(project.get_absolute_url()).content.decode()
