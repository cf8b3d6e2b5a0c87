"""The team pages (/teams/): members see their team, owners change who is in it.

Who gets which answer on every team route (anonymous, outsider, viewer, editor, owner, manager,
superuser, and another team's slug or member answering as a missing one) is held by the access
matrix (tests/access_expectations.py, rows "teams:*"). Here: what each of them sees on the
page, and the rules a team lives by.
"""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Notification, User
from accounts.services.teams import TeamChangeRefused, membership_change_role
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "members"}


def text(response) -> str:
    """The page as a person reads it (entities such as &#x27; unescaped)."""
    return unescape(response.content.decode())


def page_url(team):
    return reverse("teams:detail", args=[team.slug])


def add_url(team):
    return reverse("teams:member_add", args=[team.slug])


def role_url(membership):
    return reverse("teams:member_role", args=[membership.team.slug, membership.pk])


def remove_url(membership):
    return reverse("teams:member_remove", args=[membership.team.slug, membership.pk])


def member(team, user):
    return Membership.objects.get(team=team, user=user)


# What each person sees ---------------------------------------------------------------------


def test_a_viewer_sees_the_members_but_no_way_to_change_them(client, team, viewer):
    client.force_login(viewer)
    html = text(client.get(page_url(team)))
    for name in ("Olivia Owner", "Eddie Editor", "Vera Viewer"):
        assert name in html
    assert 'Members <span class="muted small">(3)</span>' in html
    assert add_url(team) not in html and 'name="role"' not in html
    assert "Leave team" in html and reverse("teams:leave", args=[team.slug]) in html


def test_an_owner_sees_the_forms_and_the_members_emails(client, team, owner, viewer):
    viewer.email = "vera@example.com"
    viewer.save()
    client.force_login(owner)
    html = text(client.get(page_url(team)))
    assert add_url(team) in html
    assert role_url(member(team, viewer)) in html and remove_url(member(team, viewer)) in html
    assert "vera@example.com" in html


def test_emails_stay_with_the_owners(client, team, editor, viewer):
    viewer.email = "vera@example.com"
    viewer.save()
    client.force_login(editor)
    assert "vera@example.com" not in text(client.get(page_url(team)))


def test_a_manager_reads_a_team_without_being_offered_changes(client, team, manager):
    client.force_login(manager)
    html = text(client.get(page_url(team)))
    assert "Vera Viewer" in html and "portfolio manager" in html
    assert add_url(team) not in html and "Leave team" not in html


def test_a_superuser_changes_a_team_they_are_not_in(client, team, viewer):
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)
    assert add_url(team) in text(client.get(page_url(team)))
    response = client.post(role_url(member(team, viewer)), {"role": "editor", "was": "viewer"})
    assert response.status_code == 302
    assert member(team, viewer).role == "editor"


def test_the_list_shows_my_teams_with_my_role(client, team, editor, outsider):
    make_team("Skunkworks", members={outsider: "owner"})
    make_team("Platform", members={editor: "owner"})
    client.force_login(editor)
    html = text(client.get(reverse("teams:list")))
    assert "Growth" in html and "your role: editor" in html and "3 members" in html
    assert "Platform" in html and "your role: owner" in html
    assert "Skunkworks" not in html


def test_the_list_says_what_to_do_when_i_am_in_no_team(client, outsider):
    client.force_login(outsider)
    html = text(client.get(reverse("teams:list")))
    assert "You are not in a team yet" in html and "otto" in html


def test_the_header_links_to_my_teams(client, viewer):
    client.force_login(viewer)
    assert f'href="{reverse("teams:list")}"' in text(client.get("/"))


# Adding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["nina", "NINA", "nina@example.com", " Nina@Example.com "])
def test_an_owner_adds_someone_by_exact_username_or_email(client, team, owner, who):
    nina = make_user("nina", email="nina@example.com", first_name="Nina")
    client.force_login(owner)
    response = client.post(add_url(team), {"who": who, "role": "editor"}, follow=True)
    assert response.redirect_chain[-1][0] == page_url(team)
    assert "Added Nina as editor." in text(response)
    assert member(team, nina).role == "editor"


def test_the_person_added_is_told_in_the_app(client, team, owner):
    nina = make_user("nina")
    client.force_login(owner)
    client.post(add_url(team), {"who": "nina", "role": "viewer"})
    note = Notification.objects.get(user=nina)
    assert note.title == "Olivia Owner added you to Growth as viewer"
    assert note.url == page_url(team)
    assert Notification.objects.exclude(user=nina).count() == 0


@pytest.mark.parametrize(
    ("who", "why"),
    [
        ("nobody", "No Waypoint account has the username or email “nobody”"),
        ("nin", "No Waypoint account has the username or email “nin”"),  # no partial matches
        ("nina@example", "No Waypoint account"),
        ("gone", "No Waypoint account"),  # a deactivated account
        ("vera", "Vera Viewer is already in Growth."),
        ("", "This field is required."),
    ],
)
def test_adding_nobody_or_a_member_says_why_and_writes_nothing(client, team, owner, who, why):
    make_user("nina", email="nina@example.com")
    make_user("gone", is_active=False)
    client.force_login(owner)
    before = Membership.history.count()
    response = client.post(add_url(team), {"who": who, "role": "viewer"})
    assert response.status_code == 422
    assert why in text(response)
    assert team.memberships.count() == 3 and Membership.history.count() == before
    assert not Notification.objects.exists()


def test_an_email_two_accounts_share_names_neither(client, team, owner):
    make_user("nina", email="pat@example.com")
    make_user("nora", email="pat@example.com")
    client.force_login(owner)
    response = client.post(add_url(team), {"who": "pat@example.com", "role": "viewer"})
    assert response.status_code == 422 and team.memberships.count() == 3


def test_a_role_that_does_not_exist_is_refused(client, team, owner):
    make_user("nina")
    client.force_login(owner)
    response = client.post(add_url(team), {"who": "nina", "role": "admin"})
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert team.memberships.count() == 3


def test_with_htmx_the_members_section_comes_back_in_place(client, team, owner):
    make_user("nina", first_name="Nina")
    client.force_login(owner)
    response = client.post(add_url(team), {"who": "nina", "role": "viewer"}, headers=HTMX)
    html = text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="members"')
    assert "Added Nina as viewer." in html and "<html" not in html
    assert 'id="team-changes" aria-labelledby="changes-title" hx-swap-oob="true"' in html


# Roles -------------------------------------------------------------------------------------


def test_an_owner_changes_a_role_and_the_change_is_recorded(client, team, owner, viewer):
    client.force_login(owner)
    at = timezone.now()
    response = client.post(role_url(member(team, viewer)), {"role": "editor", "was": "viewer"})
    assert response.status_code == 302
    assert member(team, viewer).role == "editor"
    change = Membership.history.filter(user=viewer).latest("history_date")
    assert (change.history_type, change.role, change.history_user) == ("~", "editor", owner)
    assert change.history_date >= at
    html = text(client.get(page_url(team)))
    assert "Olivia Owner made Vera Viewer editor" in html


def test_a_change_made_meanwhile_is_not_overwritten(client, team, owner, viewer):
    """Two owners open the page while Vera is a viewer; one makes her an editor. The other's
    "make her owner" names the role it saw, viewer, and is refused."""
    Membership.objects.filter(team=team, user=viewer).update(role="editor")
    client.force_login(owner)
    response = client.post(role_url(member(team, viewer)), {"role": "owner", "was": "viewer"})
    assert response.status_code == 409
    assert "Someone changed Vera Viewer" in text(response)
    assert "role to editor meanwhile" in text(response)
    assert member(team, viewer).role == "editor"


def test_the_last_owner_cannot_be_made_anything_else(client, team, owner):
    client.force_login(owner)
    response = client.post(role_url(member(team, owner)), {"role": "editor", "was": "owner"})
    assert response.status_code == 409
    assert "the team's only owner, and a team needs one" in text(response)
    assert member(team, owner).role == "owner"


def test_two_owners_demoting_each_other_leave_one_owner(team, owner, editor):
    Membership.objects.filter(team=team, user=editor).update(role="owner")
    mine, theirs = member(team, owner), member(team, editor)
    membership_change_role(membership=theirs, role="viewer", was="owner", by=owner)
    with pytest.raises(TeamChangeRefused):
        membership_change_role(membership=mine, role="viewer", was="owner", by=editor)
    assert list(team.memberships.filter(role="owner").values_list("user", flat=True)) == [owner.pk]


def test_a_role_change_locks_the_teams_memberships_before_it_writes(team, owner, viewer):
    with CaptureQueriesContext(connection) as queries:
        membership_change_role(
            membership=member(team, viewer), role="editor", was="viewer", by=owner
        )
    sql = [q["sql"] for q in queries.captured_queries]
    locks = [i for i, s in enumerate(sql) if "FOR UPDATE" in s]
    update = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "accounts_membership"'))
    assert len(locks) == 1 and '"team_id" =' in sql[locks[0]] and locks[0] < update


def test_a_bad_role_is_a_clear_422(client, team, owner, viewer):
    client.force_login(owner)
    response = client.post(role_url(member(team, viewer)), {"role": "boss", "was": "viewer"})
    assert response.status_code == 422
    assert "Choose one of the roles" in text(response)


# Removing and leaving ----------------------------------------------------------------------


def test_removing_asks_first_on_a_page_that_works_without_javascript(client, team, owner, viewer):
    client.force_login(owner)
    response = client.get(remove_url(member(team, viewer)))
    html = text(response)
    assert response.status_code == 200 and "<html" in html
    assert "Remove Vera Viewer from Growth?" in html
    assert f'<form method="post" action="{remove_url(member(team, viewer))}"' in html
    assert team.memberships.count() == 3  # asking changed nothing


def test_with_htmx_the_question_comes_into_the_row(client, team, owner, viewer):
    client.force_login(owner)
    response = client.get(remove_url(member(team, viewer)), headers={"HX-Request": "true"})
    html = text(response)
    assert html.lstrip().startswith('<div class="confirm-remove"') and "<html" not in html


def test_an_owner_removes_someone_and_it_is_recorded(client, team, owner, viewer):
    client.force_login(owner)
    response = client.post(remove_url(member(team, viewer)), follow=True)
    assert "Removed Vera Viewer from Growth." in text(response)
    assert not team.memberships.filter(user=viewer).exists()
    change = Membership.history.filter(user=viewer).latest("history_date")
    assert (change.history_type, change.history_user) == ("-", owner)
    assert "removed Vera Viewer" in text(response)
    client.force_login(viewer)
    assert client.get(page_url(team)).status_code == 404  # and she no longer sees it


def test_the_last_owner_cannot_be_removed(client, team, owner):
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)
    response = client.post(remove_url(member(team, owner)))
    assert response.status_code == 409
    assert "Olivia Owner is the team's only owner" in text(response)
    assert team.memberships.filter(user=owner).exists()


def test_a_member_leaves_after_confirming(client, team, viewer):
    client.force_login(viewer)
    leave = reverse("teams:leave", args=[team.slug])
    assert "Leave Growth?" in text(client.get(leave))
    response = client.post(leave, follow=True)
    assert response.redirect_chain[-1][0] == reverse("teams:list")
    assert "You left Growth." in text(response)
    assert not team.memberships.filter(user=viewer).exists()
    change = Membership.history.filter(user=viewer).latest("history_date")
    assert (change.history_type, change.history_user) == ("-", viewer)


def test_the_last_owner_cannot_leave_but_one_of_two_can(client, team, owner, editor):
    client.force_login(owner)
    leave = reverse("teams:leave", args=[team.slug])
    response = client.post(leave)
    assert response.status_code == 409
    assert "You are the team's only owner" in text(response)
    Membership.objects.filter(team=team, user=editor).update(role="owner")
    assert client.post(leave).status_code == 302
    assert not team.memberships.filter(user=owner).exists()


def test_the_history_keeps_the_time_it_is_given(team, owner, viewer):
    at = timezone.now() - datetime.timedelta(days=3)
    membership_change_role(
        membership=member(team, viewer), role="editor", was="viewer", by=owner, at=at
    )
    assert Membership.history.get(user=viewer, history_type="~").history_date == at


# Cost --------------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_team_page_costs_the_same_for_3_or_40_members(client, team, owner):
    client.force_login(owner)
    few = _queries(client, page_url(team))
    for i in range(37):
        user = make_user(f"member{i}")
        Membership.objects.create(team=team, user=user, role="viewer")
        Membership.history.create(  # a change recorded for each, so the changes list is full
            id=0, team=team, user=user, role="viewer", history_type="+", history_date=timezone.now()
        )
    assert _queries(client, page_url(team)) == few


def test_the_list_of_teams_costs_the_same_for_1_or_10_teams(client, owner, team):
    client.force_login(owner)
    few = _queries(client, reverse("teams:list"))
    for i in range(9):
        make_team(f"Team {i}", members={owner: "viewer", make_user(f"u{i}"): "owner"})
    assert _queries(client, reverse("teams:list")) == few


def test_the_last_owner_is_told_before_trying_to_leave(client, team, owner):
    client.force_login(owner)
    html = text(client.get(reverse("teams:leave", args=[team.slug])))
    assert "You are the only owner of Growth." in html
    assert 'action="/teams/growth/leave/"' not in html  # no button that would be refused
