"""Who may do what with a project. Every project view and API endpoint goes through here.

An outsider gets 404 (the project's existence is not revealed); a reader without the right to
write gets 403. Managers read every project; superusers read and change everything.

An object of another team costs the same to refuse as one that does not exist (`reachable`:
one query, and the user's permissions read either way), so neither the answer nor its timing
says which. tests/test_access_matrix.py holds every route to that.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404

# The ranks of the team roles live with the teams, the one copy.
from accounts.access import EDIT, EDITOR_ROLES, OWN, RANK_OF_ROLE, READ, access_through_team
from accounts.models import Membership, Role, Team

from .models import Project


@dataclass(frozen=True)
class ProjectAccess:
    project: Project
    role: str  # owner, editor, viewer, manager or admin
    rank: int

    @property
    def can_edit(self) -> bool:
        return self.rank >= EDIT

    @property
    def is_owner(self) -> bool:
        return self.rank >= OWN


def _signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


def _reads_every_project(user) -> bool:
    """Superusers and portfolio managers read every project, member or not."""
    return user.is_superuser or user.has_perm("accounts.view_all_projects")


def readable_projects(user, projects: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """The projects (of `projects`, default all) that `user` may read: the rule of
    reachable as a query: their teams'; every one for managers and superusers."""
    projects = Project.objects.all() if projects is None else projects
    if not _signed_in(user):
        return projects.none()
    if _reads_every_project(user):
        return projects
    return projects.filter(team__memberships__user=user)


def reachable(user, objects: QuerySet, *, project: str = "") -> tuple[Model, ProjectAccess] | None:
    """The first of `objects` with the user's access to its project, or None when there is
    none or the user may not see its project (accounts.access.access_through_team: the same
    queries either way). `objects` are projects, or rows whose project is at the lookup path
    `project` (e.g. "demo__project")."""
    found = access_through_team(user, objects, f"{project}__team_id" if project else "team_id")
    if found is None:
        return None
    row, role, rank = found
    its_project: Any = row  # a Project at the end of the path
    for step in project.split("__") if project else []:
        its_project = getattr(its_project, step)
    return row, ProjectAccess(its_project, role, rank)


def editors_by_project(projects) -> dict[int, set]:
    """Project id → the active people who edit it as its team sees it: the project's owner and
    the team's owners and editors (superusers and managers are not told of its day-to-day).
    One query for any number of projects (their owners selected with them)."""
    by_team = defaultdict(set)
    memberships = Membership.objects.filter(
        team_id__in={project.team_id for project in projects},
        role__in=EDITOR_ROLES,
        user__is_active=True,
    ).select_related("user")
    for membership in memberships:
        by_team[membership.team_id].add(membership.user)
    editors = {}
    for project in projects:
        owner = {project.owner} if project.owner and project.owner.is_active else set()
        editors[project.pk] = owner | by_team[project.team_id]
    return editors


def project_editors(project: Project) -> list:
    """The people `editors_by_project` names for one project."""
    return list(editors_by_project([project])[project.pk])


def _get_project(user, slug: str, needed_rank: int) -> ProjectAccess:
    # The board summary comes along for the health badge of the project's pages.
    projects = Project.objects.select_related("team", "owner", "board_summary").filter(slug=slug)
    found = reachable(user, projects)
    if found is None:
        raise Http404("No such project.")
    access = found[1]
    if access.rank < needed_rank:
        raise PermissionDenied("Your role on this project does not allow that change.")
    return access


def get_project_for_reader(user, slug: str) -> ProjectAccess:
    return _get_project(user, slug, READ)


def get_project_for_editor(user, slug: str) -> ProjectAccess:
    return _get_project(user, slug, EDIT)


def get_project_for_owner(user, slug: str) -> ProjectAccess:
    return _get_project(user, slug, OWN)


@cache
def _project_and_role_sql() -> str:
    project, membership = Project._meta.db_table, Membership._meta.db_table
    return (
        f"SELECT p.id, m.role FROM {project} p "  # noqa: S608 (table names from the models)
        f"JOIN {membership} m ON m.team_id = p.team_id WHERE p.slug = %s AND m.user_id = %s"
    )


def project_id_for_editor(user, slug: str) -> int:
    """The id of project `slug` if `user` may change it (else Http404 or PermissionDenied).

    For the busiest write (metric readings sent by training scripts), which needs nothing but the
    id. A member's role on the project's team is read by one plain statement and judged by
    RANK_OF_ROLE, as in reachable; anyone else (no role, a role that may not edit, a
    superuser, an inactive user) goes through get_project_for_editor, so the answers stay the
    same. The ORM's query for the same row costs ~330 us of CPU against ~20 us for the statement
    (measured in-process; with the ORM's queries on the readings path, log-metric fell to 2.2x
    MLflow in make bench, below its 3x goal). tests/fast_path_checks.py holds the answers equal
    to get_project_for_editor's for every kind of user, on PostgreSQL and on SQLite."""
    if user.is_authenticated and user.is_active and not user.is_superuser:
        with connection.cursor() as cursor:
            cursor.execute(_project_and_role_sql(), [slug, user.pk])
            row = cursor.fetchone()
        if row is not None and RANK_OF_ROLE[Role(row[1])] >= EDIT:
            return row[0]
    return get_project_for_editor(user, slug).project.pk


def teams_user_can_create_in(user):
    """Teams where `user` may start a project: those they own or edit (all, for superusers)."""
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(
        memberships__user=user, memberships__role__in=EDITOR_ROLES
    ).distinct()
