"""The team roles and who may do what with a team. lifecycle/access.py builds a project's rules
on these ranks; the team pages (accounts/views/teams.py) go through `team_for_reader` and
`team_for_owner`.

Every member of a team sees its page and its members; portfolio managers read every team, as
they read every project; only the team's owners (and superusers) change who is in it. Anyone
else gets 404 (the team's existence is not revealed), a reader without the right to change it
403. Another team's slug costs the same to refuse as one that names nothing: one query either
way, the user's permissions read either way.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.http import Http404

from .models import Membership, Role, Team

READ, EDIT, OWN = 1, 2, 3
RANK_OF_ROLE = {Role.VIEWER: READ, Role.EDITOR: EDIT, Role.OWNER: OWN}
# The roles whose members may change a project: the rule above, as a set for queries.
EDITOR_ROLES = frozenset(role for role, rank in RANK_OF_ROLE.items() if rank >= EDIT)


@dataclass(frozen=True)
class TeamAccess:
    team: Team
    role: str  # owner, editor, viewer, manager or admin
    rank: int

    @property
    def can_manage(self) -> bool:
        """May add and remove members and change their roles."""
        return self.rank >= OWN

    @property
    def is_member(self) -> bool:
        return self.role in Role.values


def access_through_team(user, rows: QuerySet, team: str) -> tuple[Model, str, int] | None:
    """The first of `rows` with `user`'s role and rank on the team it belongs to (the team's id
    at the lookup path `team`: "pk" for teams, "team_id" for projects, "demo__project__team_id"
    …), or None when there is no row or the user may not see it.

    The role comes with the row, as a subquery, and a superuser's or manager's right is read
    whether or not a row was found: a row of another team and no row at all cost the same
    queries (nothing tells one from the other). The one copy of the rule: members by their
    role, superusers as owners, portfolio managers as readers, nobody else."""
    if not user.is_authenticated or not user.is_active:
        return None
    roles = Membership.objects.filter(team_id=OuterRef(team), user_id=user.pk).values("role")
    found = rows.annotate(member_role=Subquery(roles[:1])).first()
    role = found.member_role if found is not None else None
    sees_all = role is None and (user.is_superuser or user.has_perm("accounts.view_all_projects"))
    if found is None:
        return None
    if user.is_superuser:
        return found, role or "admin", OWN
    if role is not None:
        return found, role, RANK_OF_ROLE[Role(role)]
    if sees_all:
        return found, "manager", READ
    return None


def team_access(user, slug: str) -> TeamAccess | None:
    """The user's access to the team `slug`, or None when they may not see it (or it does not
    exist: the same queries either way)."""
    found = access_through_team(user, Team.objects.filter(slug=slug), "pk")
    if found is None:
        return None
    team, role, rank = found
    assert isinstance(team, Team)
    return TeamAccess(team, role, rank)


def team_for_reader(user, slug: str) -> TeamAccess:
    access = team_access(user, slug)
    if access is None:
        raise Http404("No such team.")
    return access


def team_for_owner(user, slug: str) -> TeamAccess:
    access = team_for_reader(user, slug)
    if not access.can_manage:
        raise PermissionDenied("Only the team's owners change who is in it.")
    return access
