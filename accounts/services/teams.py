"""Writes for who is in a team: add a member, change a role, remove a member (or leave).

The rules (the views check who may ask, accounts/access.py; these hold the team together):
- a team always keeps at least one owner: removing or demoting its last owner is refused;
- a role change names the role it saw (`was`): if someone changed it meanwhile, the change is
  refused instead of silently overwriting theirs;
- every change is recorded with who made it and when (Membership's history), and the person
  added is told in the app.

The team's memberships are locked (select_for_update) while a change that could leave it
without an owner is checked and made, so two owners demoting each other at once cannot both win.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, NotificationKind, Role, Team, User
from accounts.services.notifications import notify
from plumbing.revisions import delete_revision, save_revision


class TeamChangeRefused(Exception):
    """The change would break a rule of the team; the message says which, for the person."""


def _locked(membership: Membership) -> tuple[Membership | None, list[int]]:
    """`membership` as it is now (None if gone) and the ids of the team's owners, with every
    membership of the team locked until the transaction ends (one query, always in the same
    order, so changes to one team wait for each other instead of deadlocking)."""
    rows = Membership.objects.select_for_update().filter(team_id=membership.team_id)
    locked = list(rows.order_by("pk"))
    current = next((row for row in locked if row.pk == membership.pk), None)
    return current, [row.pk for row in locked if row.role == Role.OWNER]


def membership_add(
    *, team: Team, user: User, role: str, by: User | None, at: datetime | None = None
) -> Membership:
    """Put `user` in `team` with `role`, and tell them. Refused if they are in it already."""
    at = at or timezone.now()
    role = Role(role)
    with transaction.atomic():
        membership = Membership(team=team, user=user, role=role)
        try:
            with transaction.atomic():  # in it already (or added a moment ago): refused
                save_revision(membership, by=by, at=at)
        except IntegrityError:
            raise TeamChangeRefused(f"{user.display_name} is already in {team.name}.") from None
        who = by.display_name if by is not None else "Someone"
        notify(
            users=[user],
            kind=NotificationKind.OTHER,
            title=f"{who} added you to {team.name} as {role.label.lower()}",
            body=_what_role_allows(role),
            url=reverse("teams:detail", args=[team.slug]),
            at=at,
        )
    return membership


def _what_role_allows(role: Role) -> str:
    return {
        Role.OWNER: "You can change the team's projects and who is in the team.",
        Role.EDITOR: "You can change the team's projects.",
        Role.VIEWER: "You can read the team's projects.",
    }[role]


def membership_change_role(
    *,
    membership: Membership,
    role: str,
    was: str,
    by: User | None,
    at: datetime | None = None,
) -> Membership:
    """Give `membership` the role `role`. `was` is the role the person asking saw: when it is
    no longer the role, someone changed it meanwhile and the change is refused."""
    at = at or timezone.now()
    role = Role(role)
    with transaction.atomic():
        current, owners = _locked(membership)
        if current is None:
            raise TeamChangeRefused(f"{membership.user.display_name} is no longer in the team.")
        if current.role != was:
            raise TeamChangeRefused(
                f"Someone changed {membership.user.display_name}'s role to "
                f"{Role(current.role).label.lower()} meanwhile; nothing was changed. "
                "Check the role and try again."
            )
        if current.role == role:
            return current
        if current.role == Role.OWNER and owners == [current.pk]:
            raise TeamChangeRefused(
                f"{membership.user.display_name} is the team's only owner, and a team needs one."
                " Make someone else an owner first."
            )
        current.role = role
        save_revision(current, by=by, at=at)
    membership.role = role
    return current


def membership_remove(
    *, membership: Membership, by: User | None, at: datetime | None = None
) -> None:
    """Take `membership`'s person out of the team (themselves, when they leave). Refused for
    the team's last owner."""
    at = at or timezone.now()
    with transaction.atomic():
        current, owners = _locked(membership)
        if current is None:  # removed meanwhile: what was asked is done
            return
        if current.role == Role.OWNER and owners == [current.pk]:
            leaving = by is not None and current.user_id == by.pk
            raise TeamChangeRefused(
                ("You are" if leaving else f"{membership.user.display_name} is")
                + " the team's only owner, and a team needs one. Make someone else an owner first."
            )
        delete_revision(current, by=by, at=at)
