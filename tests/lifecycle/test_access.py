"""The access rules themselves: the role ranks, the editor shortcut of the readings API, and what
a refused write leaves. Who gets what from each route is in the access matrix
(tests/access_expectations.py, run by tests/test_access_matrix.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from lifecycle.access import EDIT as EDIT_RANK
from lifecycle.access import (
    EDITOR_ROLES,
    RANK_OF_ROLE,
    get_project_for_editor,
    project_id_for_editor,
)
from tests.factories import make_project, make_team, make_user


@pytest.mark.django_db
def test_writes_by_a_viewer_change_nothing(client, project, viewer):
    client.force_login(viewer)
    url = reverse("lifecycle:charter_edit", args=[project.slug])
    client.post(url, {"problem": "Hijacked", "version": 1})
    project.charter.refresh_from_db()
    assert project.charter.problem == ""
    assert project.charter.version == 1


@pytest.mark.django_db
def test_viewer_cannot_create_a_project_in_their_team(client, team, viewer):
    client.force_login(viewer)
    response = client.post(
        reverse("lifecycle:project_new"), {"name": "Sneaky", "team": team.pk, "summary": ""}
    )
    assert response.status_code == 422
    assert not team.projects.filter(name="Sneaky").exists()


@pytest.mark.django_db
def test_editor_can_create_a_project_in_their_team(client, team, editor):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:project_new"),
        {"name": "Invoice extraction", "team": team.pk, "summary": "Read invoices"},
    )
    project = team.projects.get(name="Invoice extraction")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.owner == editor
    assert [s.kind for s in project.stages.all()] == [
        "ideation",
        "data_collection",
        "prototyping",
        "tech_transfer",
        "monitoring",
    ]


# The readings API's shortcut: project_id_for_editor answers as get_project_for_editor does.


def _answer(lookup, user, slug):
    """What an access helper says: the project's id, or the exception it raised."""
    try:
        found = lookup(user, slug)
    except (Http404, PermissionDenied) as error:
        return type(error)
    return found if isinstance(found, int) else found.project.pk


@pytest.fixture
def every_kind_of_user(team, owner, editor, viewer, outsider, manager, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    retired = make_user("rita")
    Membership.objects.create(team=team, user=retired, role="editor")
    retired.is_active = False
    retired.save()
    elsewhere = make_user("ella")
    make_team("Other team", members={elsewhere: "owner", outsider: "editor"})
    return {
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "outsider": outsider,
        "manager": manager,
        "superuser": admin,
        "inactive editor": retired,
        "owner of another team": elsewhere,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.django_db
def test_the_editor_shortcut_answers_as_the_general_helper_for_every_kind_of_user(
    project, every_kind_of_user
):
    expected = {
        "owner": project.pk,
        "editor": project.pk,
        "viewer": PermissionDenied,
        "outsider": Http404,
        "manager": PermissionDenied,
        "superuser": project.pk,
        "inactive editor": Http404,
        "owner of another team": Http404,
        "anonymous": Http404,
    }
    for name, user in every_kind_of_user.items():
        answer = _answer(project_id_for_editor, user, project.slug)
        assert answer == _answer(get_project_for_editor, user, project.slug) == expected[name], name
        assert _answer(project_id_for_editor, user, "no-such-project") == Http404, name


@pytest.mark.django_db
def test_the_editor_shortcut_is_one_query_for_a_member_who_edits(
    project, owner, editor, django_assert_num_queries
):
    for user in (owner, editor):
        with django_assert_num_queries(1):
            assert project_id_for_editor(user, project.slug) == project.pk


def test_owners_and_editors_edit_and_viewers_do_not():
    assert {"owner", "editor"} == EDITOR_ROLES
    assert RANK_OF_ROLE["viewer"] < EDIT_RANK <= RANK_OF_ROLE["editor"] < RANK_OF_ROLE["owner"]


@pytest.mark.django_db
def test_another_teams_project_is_refused_as_a_missing_one_at_the_same_cost(
    every_kind_of_user, owner
):
    """Neither the answer nor the queries say whether a project the user may not see exists."""
    theirs = make_project(make_team("Skunkworks"), owner, name="Zebra acquisition")
    Membership.objects.filter(team=theirs.team).delete()
    for name, user in every_kind_of_user.items():
        if name in ("superuser", "manager"):
            continue  # they see every project
        fresh = [type(user).objects.get(pk=user.pk) if user.pk else user for _ in range(2)]
        with CaptureQueriesContext(connection) as foreign:  # as a request: a fresh user each
            answer = _answer(get_project_for_editor, fresh[0], theirs.slug)
        with CaptureQueriesContext(connection) as missing:
            assert _answer(get_project_for_editor, fresh[1], "no-such-project") == answer == Http404
        assert len(foreign) == len(missing), name
