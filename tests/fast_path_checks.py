"""The API's three plain statements against the ORM's answers, checked the same way on PostgreSQL
(test_fast_paths.py, in process) and on SQLite (the same test file, in a subprocess).

Each statement stands in for an ORM query on the busiest requests (see their docstrings):
- api.selectors.api_token_use: a token with its user (Manager.raw);
- lifecycle.access.project_id_for_editor: the project id when the caller may change it;
- lifecycle.services.experiment_log.criterion_ids_by_name: the project's criteria by name, in page
  order.
`run()` returns every disagreement; an empty list means the statements answer as the ORM does.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from api.models import ApiToken, token_hash
from api.selectors import api_token_use
from api.services import api_token_create, api_token_revoke
from lifecycle.access import get_project_for_editor, project_id_for_editor
from lifecycle.models import SuccessCriterion
from lifecycle.services.experiment_log import LogError, criterion_ids_by_name
from tests.factories import add_criterion, make_project, make_team, make_user

MINUTE = datetime.timedelta(minutes=1)


def _user_fields(user) -> dict:
    return {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


def _token_by_orm(secret: str, since: datetime.datetime):
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(secret)).first()
    if token is None:
        return None
    unrecorded = token.last_used_at is None or token.last_used_at < since
    state = (token.pk, token.prefix, token.revoked_at is not None, unrecorded)
    return _user_fields(token.user), state


def _token_by_statement(secret: str, since: datetime.datetime):
    found = api_token_use(secret, since=since)
    if found is None:
        return None
    state = (found.token_id, found.prefix, found.revoked, found.use_unrecorded)
    return _user_fields(found.user), state


def check_tokens(owner) -> list[str]:
    now = timezone.now()
    owner.last_login = now - datetime.timedelta(days=3)
    owner.first_name = "Ölivia"
    owner.save()
    tokens = {}
    tokens["new"] = api_token_create(user=owner, name="new")
    tokens["used just now"] = api_token_create(user=owner, name="recent")
    tokens["used two minutes ago"] = api_token_create(user=owner, name="stale")
    tokens["used a second ago"] = api_token_create(user=owner, name="second")
    tokens["revoked"] = api_token_create(user=owner, name="revoked")
    ApiToken.objects.filter(pk=tokens["used just now"][0].pk).update(last_used_at=now)
    ApiToken.objects.filter(pk=tokens["used two minutes ago"][0].pk).update(
        last_used_at=now - 2 * MINUTE
    )
    ApiToken.objects.filter(pk=tokens["used a second ago"][0].pk).update(
        last_used_at=now - MINUTE + datetime.timedelta(seconds=1)
    )
    api_token_revoke(token=tokens["revoked"][0])
    secrets = {name: secret for name, (_, secret) in tokens.items()}
    secrets["unknown"] = "wp_no-such-token"

    problems = []
    for name, secret in secrets.items():
        since = now - MINUTE
        orm, statement = _token_by_orm(secret, since), _token_by_statement(secret, since)
        if orm != statement:
            problems.append(f"token {name}: ORM {orm!r} != statement {statement!r}")
    found = api_token_use(secrets["new"], since=now)
    if found.user.get_deferred_fields() or not timezone.is_aware(found.user.last_login):
        problems.append("token user: not every field loaded as the ORM loads it")
    return problems


def _editor_answer(lookup, user, slug):
    try:
        found = lookup(user, slug)
    except (Http404, PermissionDenied) as error:
        return type(error).__name__
    return found if isinstance(found, int) else found.project.pk


def check_editor_lookup() -> list[str]:
    owner, editor, viewer = make_user("o1"), make_user("e1"), make_user("v1")
    retired, outsider, elsewhere = make_user("r1"), make_user("x1"), make_user("w1")
    manager = make_user("m1")
    managers, _ = Group.objects.get_or_create(name="Portfolio managers")
    managers.permissions.add(Permission.objects.get(codename="view_all_projects"))
    manager.groups.add(managers)
    admin = get_user_model().objects.create_superuser("root1", "root@example.com", "pw")
    team = make_team(
        "Checks", members={owner: "owner", editor: "editor", viewer: "viewer", retired: "editor"}
    )
    make_team("Elsewhere", members={elsewhere: "owner", outsider: "editor"})
    retired.is_active = False
    retired.save()
    project = make_project(team, owner, name="Checked")
    people = {
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "manager": manager,
        "superuser": admin,
        "inactive editor": retired,
        "outsider": outsider,
        "owner of another team": elsewhere,
        "anonymous": AnonymousUser(),
    }
    problems = []
    for name, user in people.items():
        for slug in (project.slug, "no-such-project"):
            orm = _editor_answer(get_project_for_editor, user, slug)
            statement = _editor_answer(project_id_for_editor, user, slug)
            if orm != statement:
                problems.append(f"editor lookup, {name} on {slug}: ORM {orm} != {statement}")
    return problems


def check_criteria(owner) -> list[str]:
    project = make_project(make_team("Criteria", members={owner: "owner"}), owner, name="C")
    for name in ("Recall", "Precision", "Handling time", "Straße"):
        add_criterion(project, owner, name=name)
    add_criterion(make_project(project.team, owner, name="Other"), owner, name="Latency")
    SuccessCriterion.objects.filter(project=project, name="Recall").update(position=9)
    SuccessCriterion.objects.filter(project=project, name="Handling time").update(position=0)
    orm = list(
        SuccessCriterion.objects.filter(project=project)
        .order_by("position", "id")
        .values_list("id", "name")
    )
    names = {"recall", "PRECISION", "Handling time", "STRASSE"}
    known = {name.casefold(): pk for pk, name in orm}
    problems = []
    statement = criterion_ids_by_name(project.pk, names)
    if statement != {name: known[name.casefold()] for name in names}:
        problems.append(f"criteria: ORM {orm!r}, statement {statement!r}")
    try:
        criterion_ids_by_name(project.pk, {"Latency"})
        problems.append("criteria: another project's criterion was found")
    except LogError as error:
        listed = ", ".join(f'"{name}"' for _, name in orm)
        if not str(error).endswith(f"This project's criteria are: {listed}."):
            problems.append(f"criteria: not in page order: {error}")
    return problems


def run() -> list[str]:
    owner = make_user("fastpath-owner", first_name="Olivia", email="olivia@example.com")
    return check_tokens(owner) + check_editor_lookup() + check_criteria(owner)
