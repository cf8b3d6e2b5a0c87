"""Who may do what with a project. Every project view and API endpoint goes through here.

An outsider gets 404 (the project's existence is not revealed); a reader without the right to
write gets 403. Managers read every project; superusers read and change everything.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from accounts.models import Membership, Role, Team

from .models import Project

READ, EDIT, OWN = 1, 2, 3
RANK_OF_ROLE = {Role.VIEWER: READ, Role.EDITOR: EDIT, Role.OWNER: OWN}
EDITOR_ROLES = frozenset({Role.OWNER, Role.EDITOR})


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


def project_access(user, project: Project) -> ProjectAccess | None:
    """The user's access to `project`, or None when they may not see it at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ProjectAccess(project, "admin", OWN)
    role = (
        Membership.objects.filter(team_id=project.team_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    if role:
        return ProjectAccess(project, role, RANK_OF_ROLE[Role(role)])
    if user.has_perm("accounts.view_all_projects"):
        return ProjectAccess(project, "manager", READ)
    return None


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
    project = (
        Project.objects.select_related("team", "owner", "board_summary").filter(slug=slug).first()
    )
    access = project_access(user, project) if project else None
    if access is None:
        raise Http404("No such project.")
    if access.rank < needed_rank:
        raise PermissionDenied("Your role on this project does not allow that change.")
    return access


def get_project_for_reader(user, slug: str) -> ProjectAccess:
    return _get_project(user, slug, READ)


def get_project_for_editor(user, slug: str) -> ProjectAccess:
    return _get_project(user, slug, EDIT)


def get_project_for_owner(user, slug: str) -> ProjectAccess:
    return _get_project(user, slug, OWN)


def _editor_lookup_sql() -> str:
    project, membership = Project._meta.db_table, Membership._meta.db_table
    return (
        f"SELECT p.id, m.role FROM {project} p "  # noqa: S608 (table names from the models)
        f"LEFT JOIN {membership} m ON m.team_id = p.team_id AND m.user_id = %s "
        "WHERE p.slug = %s"
    )


def project_id_for_editor(user, slug: str) -> int:
    """The id of project `slug` if `user` may change it, from one small SQL statement.

    For the busiest write (metric readings sent by training scripts), which needs nothing but the
    id: the ORM's version of the same lookup costs several times more CPU. Anything short of
    "yes" goes through get_project_for_editor, so the 404/403 answers stay the same."""
    with connection.cursor() as cursor:
        cursor.execute(_editor_lookup_sql(), [user.pk, slug])
        row = cursor.fetchone()
    if row and user.is_active and (user.is_superuser or row[1] in EDITOR_ROLES):
        return row[0]
    return get_project_for_editor(user, slug).project.pk


def teams_user_can_create_in(user):
    """Teams where `user` may start a project: those they own or edit (all, for superusers)."""
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(
        memberships__user=user, memberships__role__in=[Role.OWNER, Role.EDITOR]
    ).distinct()
