"""The team pages (/teams/): the teams one belongs to, and a team's members.

Every member sees the team page and its members (managers too, as they read every team); only
the team's owners and superusers add people, change roles and remove people; anyone else gets
404 (accounts/access.py). Each form works as a plain POST (the page reloads, with a message) and
with htmx (the members section is swapped in place). Removing someone, or leaving, asks first on
a page of its own, which htmx brings into the member's row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import team_for_owner, team_for_reader
from accounts.forms import MemberAddForm, RoleForm
from accounts.models import Membership, Role
from accounts.requests import SignedInRequest
from accounts.selectors.teams import team_changes, team_members, teams_of
from accounts.services.teams import (
    TeamChangeRefused,
    membership_add,
    membership_change_role,
    membership_remove,
)

PAGE = "accounts/team_detail.html"


@require_GET
@login_required
def team_list(request: SignedInRequest):
    return TemplateResponse(request, "accounts/team_list.html", {"teams": teams_of(request.user)})


def _team_response(
    request: SignedInRequest, access, *, form=None, notice="", problem="", status=200
):
    """The team page, or only its members section for htmx."""
    template = PAGE + "#members" if request.htmx else PAGE
    members = list(team_members(access.team))
    context = {
        "access": access,
        "team": access.team,
        "members": members,
        "owner_count": sum(1 for m in members if m.role == Role.OWNER),
        "changes": team_changes(access.team),
        "form": form or MemberAddForm(team=access.team),
        "roles": Role.choices,
        "notice": notice,
        "problem": problem,
    }
    return TemplateResponse(request, template, context, status=status)


def _done(request: SignedInRequest, access, text: str):
    """After a change: the members section in place (htmx), or the page again with a message."""
    if request.htmx:
        return _team_response(request, access, notice=text)
    messages.success(request, text)
    return redirect("teams:detail", access.team.slug)


@require_GET
@login_required
def team_detail(request: SignedInRequest, team: str):
    return _team_response(request, team_for_reader(request.user, team))


@require_POST
@login_required
def member_add(request: SignedInRequest, team: str):
    access = team_for_owner(request.user, team)
    form = MemberAddForm(request.POST, team=access.team)
    if not form.is_valid() or form.user is None:
        return _team_response(request, access, form=form, status=422)
    try:
        membership_add(
            team=access.team, user=form.user, role=form.cleaned_data["role"], by=request.user
        )
    except TeamChangeRefused as refusal:  # added by someone else meanwhile
        return _team_response(request, access, problem=str(refusal), status=409)
    role = Role(form.cleaned_data["role"]).label.lower()
    return _done(request, access, f"Added {form.user.display_name} as {role}.")


def _membership(access, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, team=access.team)


@require_POST
@login_required
def member_role(request: SignedInRequest, team: str, pk: int):
    access = team_for_owner(request.user, team)
    membership = _membership(access, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        problem = "Choose one of the roles: owner, editor or viewer."
        return _team_response(request, access, problem=problem, status=422)
    try:
        membership_change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            was=form.cleaned_data["was"],
            by=request.user,
        )
    except TeamChangeRefused as refusal:
        return _team_response(request, access, problem=str(refusal), status=409)
    role = Role(form.cleaned_data["role"]).label.lower()
    return _done(request, access, f"{membership.user.display_name} is now {role}.")


@require_http_methods(["GET", "POST"])
@login_required
def member_remove(request: SignedInRequest, team: str, pk: int):
    """GET asks to confirm (a page of its own, or the member's row for htmx); POST removes."""
    access = team_for_owner(request.user, team)
    membership = _membership(access, pk)
    return _confirm_or_remove(
        request,
        access,
        membership,
        f"Removed {membership.user.display_name} from {access.team.name}.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def team_leave(request: SignedInRequest, team: str):
    """A member takes themselves out of the team: GET asks to confirm, POST leaves."""
    access = team_for_reader(request.user, team)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), team=access.team, user=request.user
    )
    return _confirm_or_remove(request, access, membership, "")


def _confirm_or_remove(request: SignedInRequest, access, membership, done: str):
    """GET: the question; POST: the removal, then `done` said on the team page (or, for
    someone who removed themselves, the way out of a team they no longer see)."""
    if request.method == "GET":
        return _confirm(request, access, membership)
    try:
        membership_remove(membership=membership, by=request.user)
    except TeamChangeRefused as refusal:
        return _team_response(request, access, problem=str(refusal), status=409)
    if membership.user_id == request.user.pk:
        return _left(request, access)
    return _done(request, access, done)


def _confirm(request: SignedInRequest, access, membership):
    """The question before a removal; for the team's last owner, why it cannot be done."""
    last_owner = (
        membership.role == Role.OWNER
        and not access.team.memberships.filter(role=Role.OWNER).exclude(pk=membership.pk).exists()
    )
    context = {
        "access": access,
        "team": access.team,
        "member": membership,
        "last_owner": last_owner,
    }
    template = PAGE + "#confirm_remove" if request.htmx else "accounts/member_remove.html"
    return TemplateResponse(request, template, context)


def _left(request: SignedInRequest, access):
    messages.success(request, f"You left {access.team.name}.")
    if request.htmx:  # the members section is no longer theirs to see: the list of their teams
        return HttpResponseClientRedirect(reverse("teams:list"))
    return redirect("teams:list")
