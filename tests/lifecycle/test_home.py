import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lifecycle import services
from tests.factories import make_project, make_team, make_user

pytestmark = pytest.mark.django_db


def test_member_sees_only_their_teams_projects(client, project, viewer, owner):
    other_team = make_team("Fraud", members={make_user("frank"): "owner"})
    make_project(other_team, owner, name="Card fraud flags")
    client.force_login(viewer)
    content = client.get(reverse("lifecycle:home")).content.decode()
    assert "Churn prediction" in content
    assert "Card fraud flags" not in content


def test_manager_sees_every_project_as_the_portfolio(client, project, manager, owner):
    other_team = make_team("Fraud", members={make_user("frank"): "owner"})
    make_project(other_team, owner, name="Card fraud flags")
    client.force_login(manager)
    content = client.get(reverse("lifecycle:home")).content.decode()
    assert "Portfolio" in content
    assert "Churn prediction" in content
    assert "Card fraud flags" in content


def test_stopped_projects_stay_on_the_page_with_their_reason(client, project, owner):
    services.project_stop(project=project, by=owner, stop_reason="no_data", note="")
    client.force_login(owner)
    content = client.get(reverse("lifecycle:home")).content.decode()
    assert "Stopped in Ideation" in content
    assert "No data" in content


def test_user_without_a_team_gets_guidance(client, outsider):
    client.force_login(outsider)
    content = client.get(reverse("lifecycle:home")).content.decode()
    assert "Ask a team owner to add you" in content


def test_home_query_count_does_not_grow_with_projects(client, team, owner):
    client.force_login(owner)
    make_project(team, owner)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("lifecycle:home")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(10):
        make_project(team, owner)
    assert queries() == few


def test_each_project_shows_the_boards_health_with_its_reasons(client, project, owner):
    """The home page and the board read health by the same rule from the same summary: a
    blocked project is off track on both, and says why."""
    services.project_set_blocker(
        project=project, text="Waiting for the CRM export", expected="", by=owner
    )
    client.force_login(owner)
    home = client.get(reverse("lifecycle:home")).content.decode()
    board = client.get(reverse("lifecycle:portfolio")).content.decode()
    for page in (home, board):
        assert 'class="health health-off_track"' in page
        assert "Blocked: Waiting for the CRM export" in page


def test_a_shipped_project_shows_its_live_health_and_a_stopped_one_none(client, team, owner):
    shipped = make_project(team, owner, name="Live model")
    stopped = make_project(team, owner, name="Dropped idea")
    services.project_stop(project=stopped, by=owner, stop_reason="no_data", note="")
    shipped.status = "shipped"
    shipped.save(update_fields=["status"])
    client.force_login(owner)
    content = client.get(reverse("lifecycle:home")).content.decode()
    assert "Live, with no open monitoring alerts" in content
    stopped_card = content[content.index("Dropped idea") :]
    stopped_card = stopped_card[: stopped_card.index("</article>")]
    assert "health-" not in stopped_card
