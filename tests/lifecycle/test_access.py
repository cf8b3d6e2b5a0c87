"""Who may use each view: anonymous → login, outsider → 404, read-only → 403 on writes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from accounts.models import Membership
from lifecycle.access import EDIT as EDIT_RANK
from lifecycle.access import (
    EDITOR_ROLES,
    RANK_OF_ROLE,
    get_project_for_editor,
    project_id_for_editor,
)
from lifecycle.models import Alert
from tests.factories import add_criterion, add_risk, make_team, make_user, watch

READ, EDIT, OWN = "read", "edit", "own"


def _objects(project, owner):
    criterion = add_criterion(project, owner)
    risk = add_risk(project, owner)
    stage = project.stages.get(kind="ideation")
    item = stage.exit_criteria.create(text="Problem agreed with the product owner")
    spare = add_criterion(project, owner, name="Handling time", direction="lower")
    series = watch(project, owner, criterion=criterion)
    alert = Alert.objects.create(
        project=project, kind="quiet", subject=f"criterion:{criterion.pk}", title="Quiet"
    )
    return {
        "criterion": criterion,
        "risk": risk,
        "item": item,
        "owner": owner,
        "spare": spare,
        "series": series,
        "alert": alert,
    }


# (url name, kwargs builder, method, needed right, POST data builder)
VIEWS = [
    ("project_detail", lambda p, o: {}, "get", READ, None),
    ("project_history", lambda p, o: {}, "get", READ, None),
    ("project_section", lambda p, o: {"section": "criteria"}, "get", READ, None),
    ("details_edit", lambda p, o: {}, "get", EDIT, None),
    (
        "details_edit",
        lambda p, o: {},
        "post",
        EDIT,
        lambda o: {"name": "Renamed", "summary": "", "owner": o["owner"].pk, "version": 1},
    ),
    ("charter_edit", lambda p, o: {}, "get", EDIT, None),
    ("charter_edit", lambda p, o: {}, "post", EDIT, lambda o: {"problem": "New", "version": 1}),
    ("stop_rule_edit", lambda p, o: {}, "post", EDIT, lambda o: {"text": "Stop", "version": 1}),
    (
        "criterion_new",
        lambda p, o: {},
        "post",
        EDIT,
        lambda o: {
            "name": "Recall",
            "kind": "model",
            "metric": "recall",
            "target": 0.9,
            "direction": "higher",
        },
    ),
    (
        "criterion_edit",
        lambda p, o: {"pk": o["criterion"].pk},
        "post",
        EDIT,
        lambda o: {
            "name": "Renamed",
            "kind": "business",
            "metric": "m",
            "baseline": 1,
            "target": 2,
            "direction": "higher",
            "version": 1,
        },
    ),
    (
        "criterion_delete",
        lambda p, o: {"pk": o["criterion"].pk},
        "post",
        EDIT,
        lambda o: {"version": 1},
    ),
    (
        "risk_new",
        lambda p, o: {},
        "post",
        EDIT,
        lambda o: {
            "title": "Drift",
            "category": "data",
            "likelihood": 2,
            "impact": 3,
            "status": "open",
        },
    ),
    ("risk_edit", lambda p, o: {"pk": o["risk"].pk}, "get", EDIT, None),
    ("risk_delete", lambda p, o: {"pk": o["risk"].pk}, "post", EDIT, lambda o: {"version": 1}),
    (
        "stage_edit",
        lambda p, o: {"kind": "ideation"},
        "post",
        EDIT,
        lambda o: {"goals": "Agree the problem", "version": 1},
    ),
    (
        "exit_criterion_add",
        lambda p, o: {"kind": "ideation"},
        "post",
        EDIT,
        lambda o: {"text": "Baseline measured"},
    ),
    (
        "exit_criterion_toggle",
        lambda p, o: {"kind": "ideation", "pk": o["item"].pk},
        "post",
        EDIT,
        lambda o: {"done": "on"},
    ),
    (
        "exit_criterion_delete",
        lambda p, o: {"kind": "ideation", "pk": o["item"].pk},
        "post",
        EDIT,
        lambda o: {},
    ),
    (
        "project_move",
        lambda p, o: {},
        "post",
        EDIT,
        lambda o: {"to_stage": "data_collection", "reason": "Problem agreed"},
    ),
    ("project_ship", lambda p, o: {}, "get", OWN, None),
    (
        "project_stop",
        lambda p, o: {},
        "post",
        OWN,
        lambda o: {"stop_reason": "no_data", "note": "No labels"},
    ),
    ("project_reopen", lambda p, o: {}, "get", OWN, None),
    ("monitoring", lambda p, o: {}, "get", READ, None),
    ("monitoring_plan", lambda p, o: {}, "get", EDIT, None),
    (
        "monitoring_plan",
        lambda p, o: {},
        "post",
        EDIT,
        lambda o: {"model_version": "v3", "trained_on": "2026-11-02", "retrain_every_days": 90},
    ),
    (
        "watch_new",
        lambda p, o: {},
        "post",
        EDIT,
        lambda o: {
            "criterion": o["spare"].pk,
            "expected_every_hours": 24,
            "alert_threshold": 300,
            "tell": "editors",
        },
    ),
    (
        "watch_edit",
        lambda p, o: {"pk": o["series"].pk},
        "post",
        EDIT,
        lambda o: {
            "criterion": o["criterion"].pk,
            "expected_every_hours": 12,
            "alert_threshold": 65,
            "tell": "team",
            "version": 1,
        },
    ),
    ("watch_delete", lambda p, o: {"pk": o["series"].pk}, "post", EDIT, lambda o: {"version": 1}),
    (
        "alert_acknowledge",
        lambda p, o: {"pk": o["alert"].pk},
        "post",
        EDIT,
        lambda o: {"note": "Looking at the feed"},
    ),
    (
        "alert_resolve",
        lambda p, o: {"pk": o["alert"].pk},
        "post",
        EDIT,
        lambda o: {"note": "Fixed"},
    ),
]

IDS = [f"{name}-{method}" for name, _, method, _, _ in VIEWS]


def _request(client, project, owner, view):
    name, kwargs, method, _, data = view
    objects = _objects(project, owner)
    url = reverse(f"lifecycle:{name}", kwargs={"slug": project.slug, **kwargs(project, objects)})
    if method == "get":
        return client.get(url, headers={"HX-Request": "true"})
    return client.post(url, data(objects))


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_anonymous_is_sent_to_login(client, project, owner, view):
    response = _request(client, project, owner, view)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_outsider_gets_404(client, project, owner, outsider, view):
    client.force_login(outsider)
    assert _request(client, project, owner, view).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_viewer_reads_but_may_not_write(client, project, owner, viewer, view):
    client.force_login(viewer)
    expected = 200 if view[3] == READ else 403
    assert _request(client, project, owner, view).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_manager_reads_every_project_but_may_not_write(client, project, owner, manager, view):
    client.force_login(manager)
    expected = 200 if view[3] == READ else 403
    assert _request(client, project, owner, view).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_editor_may_edit_but_not_end_the_project(client, project, owner, editor, view):
    client.force_login(editor)
    expected = (403,) if view[3] == OWN else (200, 302)
    assert _request(client, project, owner, view).status_code in expected


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_owner_may_do_everything(client, project, owner, view):
    client.force_login(owner)
    assert _request(client, project, owner, view).status_code in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_superuser_may_do_everything(client, project, owner, view, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    assert _request(client, project, owner, view).status_code in (200, 302)


@pytest.mark.django_db
def test_writes_by_a_viewer_change_nothing(client, project, viewer):
    client.force_login(viewer)
    url = reverse("lifecycle:charter_edit", args=[project.slug])
    client.post(url, {"problem": "Hijacked", "version": 1})
    project.charter.refresh_from_db()
    assert project.charter.problem == ""
    assert project.charter.version == 1


@pytest.mark.django_db
def test_home_needs_login(client):
    response = client.get(reverse("lifecycle:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_new_project_needs_login(client):
    response = client.get(reverse("lifecycle:project_new"))
    assert response.status_code == 302


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
