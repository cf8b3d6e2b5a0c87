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
from django.db.models import OuterRef, Subquery
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


def team_access(user, slug: str) -> TeamAccess | None:
    """The user's access to the team `slug`, or None when they may not see it (or it does not
    exist: the same queries either way)."""
    if not user.is_authenticated or not user.is_active:
        return None
    roles = Membership.objects.filter(team_id=OuterRef("pk"), user_id=user.pk).values("role")
    team = Team.objects.filter(slug=slug).annotate(member_role=Subquery(roles[:1])).first()
    role = team.member_role if team is not None else None
    # Read for a missing team too, so that its absence costs what a refusal costs.
    sees_all = role is None and (user.is_superuser or user.has_perm("accounts.view_all_projects"))
    if team is None:
        return None
    if user.is_superuser:
        return TeamAccess(team, role or "admin", OWN)
    if role is not None:
        return TeamAccess(team, role, RANK_OF_ROLE[Role(role)])
    if sees_all:
        return TeamAccess(team, "manager", READ)
    return None


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
