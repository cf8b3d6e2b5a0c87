"""Reads for the team pages: a person's teams, a team's members and the record of changes."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from accounts.access import RANK_OF_ROLE
from accounts.models import Membership, Team, User

CHANGES_SHOWN = 10


def teams_of(user: User) -> QuerySet[Team]:
    """The teams `user` belongs to (every team, for a superuser, who may change any), each with
    `member_count` and the user's `my_role` (None where they are not a member), by name."""
    mine = Membership.objects.filter(team_id=OuterRef("pk"), user_id=user.pk).values("role")
    teams = Team.objects.all()
    if not user.is_superuser:  # as a subquery: a join would narrow the count to the user's row
        teams = teams.filter(pk__in=Membership.objects.filter(user=user).values("team_id"))
    return teams.annotate(member_count=Count("memberships"), my_role=Subquery(mine[:1])).order_by(
        "name"
    )


def team_members(team: Team) -> QuerySet[Membership]:
    """The team's memberships with their people: owners first, then editors, then viewers, each
    by name (one query, however many members)."""
    rank = Case(
        *(When(role=role, then=Value(-rank)) for role, rank in RANK_OF_ROLE.items()),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(team=team)
        .select_related("user")
        .annotate(rank=rank)
        .order_by("rank", "user__first_name", "user__last_name", "user__username")
    )


def team_changes(team: Team, *, limit: int = CHANGES_SHOWN) -> list:
    """The latest changes to who is in the team and in which role, newest first: each a
    historical membership with `history_type` (+ added, ~ changed, - removed), `history_user`
    (who made it, None when unknown), `history_date` and the person's `user`."""
    rows = Membership.history.filter(team_id=team.pk).select_related("history_user", "user")
    return list(rows.order_by("-history_date", "-history_id")[:limit])


def account_matching(identifier: str) -> User | None:
    """The one active account whose username or email is exactly `identifier` (any case), or
    None: no partial matches and no list, so it tells no more than the person already knows."""
    identifier = identifier.strip()
    if not identifier:
        return None
    field = "email__iexact" if "@" in identifier else "username__iexact"
    found = list(User.objects.filter(is_active=True, **{field: identifier})[:2])
    return found[0] if len(found) == 1 else None
