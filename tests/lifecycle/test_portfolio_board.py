"""The portfolio board: who sees what, filters, search, sorting, the columns' lazy loading, CSV
export, and a query count and size that do not grow with the portfolio."""

import csv
import io

import pytest
from django.urls import reverse

from lifecycle import services
from lifecycle.models import Project
from lifecycle.selectors.portfolio import CARDS_PER_COLUMN, ROWS_PER_PAGE
from lifecycle.services.experiment_log import experiment_add
from lifecycle.weeks import week_start
from plumbing.spreadsheet import csv_safe
from tests.factories import add_criterion, add_risk, make_project, make_team, make_user

BOARD = reverse("lifecycle:portfolio")
CSV = reverse("lifecycle:portfolio_csv")


@pytest.fixture
def other_team_project(db):
    lead = make_user("lena")
    team = make_team("Risk", members={lead: "owner"})
    return make_project(team, lead, name="Fraud flags")


def names_on(response) -> set[str]:
    return {card.name for card in _cards(response)}


def _cards(response):
    if "page" in response.context and response.context["view"] == "table":
        return list(response.context["page"].object_list)
    return [card for column in response.context["columns"] for card in column["cards"]]


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# Access


def test_a_team_member_sees_only_their_teams_projects(client, viewer, project, other_team_project):
    client.force_login(viewer)
    response = client.get(BOARD)
    assert response.status_code == 200
    assert names_on(response) == {"Churn prediction"}
    assert "Fraud flags" not in response.content.decode()


def test_a_manager_sees_every_project(client, manager, project, other_team_project):
    client.force_login(manager)
    assert names_on(client.get(BOARD)) == {"Churn prediction", "Fraud flags"}


def test_an_outsider_sees_no_project(client, outsider, project, other_team_project):
    client.force_login(outsider)
    response = client.get(BOARD)
    assert response.status_code == 200
    assert names_on(response) == set()
    assert response.context["total"] == 0


def test_filter_choices_offer_only_visible_teams_and_owners(client, viewer, other_team_project):
    client.force_login(viewer)
    page = client.get(BOARD).content.decode()
    assert "Risk" not in page.split('name="team"')[1].split("</select>")[0]
    assert "lena" not in page


def test_the_board_offers_no_way_to_change_a_project(client, viewer, manager, project):
    for user in (viewer, manager):
        client.force_login(user)
        main = client.get(BOARD).content.decode().split('<main id="main"')[1]
        assert 'method="post"' not in main  # (the top bar's log-out form is not the board's)
        assert "hx-post" not in main


def test_csv_export_holds_only_visible_projects(client, viewer, project, other_team_project):
    client.force_login(viewer)
    rows = csv_rows(client.get(CSV))
    assert [row["Project"] for row in rows] == ["Churn prediction"]


# Filters, search and sorting


@pytest.fixture
def portfolio(team, owner, editor, project):
    """Churn prediction (ideation), Route planner (prototyping, owned by the editor, blocked),
    Old search (stopped)."""
    route = make_project(team, editor, name="Route planner")
    services.project_move_to_stage(project=route, to_stage="prototyping", by=editor, reason="Go")
    services.project_set_blocker(project=route, text="Waiting for GPS data", expected="", by=editor)
    old = make_project(team, owner, name="Old search")
    services.project_stop(project=old, by=owner, stop_reason="superseded", note="")
    return {"churn": project, "route": route, "old": old}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "prototyping"}, {"Route planner"}),
        ({"owner": "eddie"}, {"Route planner"}),
        ({"team": "growth"}, {"Churn prediction", "Route planner", "Old search"}),
        ({"status": "stopped"}, {"Old search"}),
        ({"status": "active"}, {"Churn prediction", "Route planner"}),
        ({"health": "off_track"}, {"Route planner"}),
        ({"health": "on_track"}, {"Churn prediction"}),
        ({"q": "route"}, {"Route planner"}),
        ({"q": "GPS"}, {"Route planner"}),  # the blocker's text
        ({"q": "olivia"}, {"Churn prediction", "Old search"}),  # the owner
        ({"q": "nothing like it"}, set()),
    ],
)
def test_filters_and_search(client, manager, portfolio, query, expected):
    client.force_login(manager)
    for view in ("columns", "table"):
        assert names_on(client.get(BOARD, {**query, "view": view})) == expected


def test_bad_filter_values_are_reported_and_ignored(client, manager, portfolio):
    client.force_login(manager)
    response = client.get(BOARD, {"stage": "nowhere", "sort": "zzz", "page": "x", "view": "grid"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "That filter was ignored" in page
    assert names_on(response) == {"Churn prediction", "Route planner", "Old search"}


def test_the_table_sorts_both_ways(client, manager, portfolio):
    client.force_login(manager)
    names = [c.name for c in _cards(client.get(BOARD, {"view": "table", "sort": "name"}))]
    assert names == ["Churn prediction", "Old search", "Route planner"]
    names = [c.name for c in _cards(client.get(BOARD, {"view": "table", "sort": "-name"}))]
    assert names == ["Route planner", "Old search", "Churn prediction"]
    names = [c.name for c in _cards(client.get(BOARD, {"view": "table", "sort": "health"}))]
    assert names[0] == "Route planner"  # the worst first; ended projects last
    assert names[-1] == "Old search"


def test_columns_put_each_project_in_its_stage_or_its_ending(client, manager, portfolio):
    client.force_login(manager)
    columns = {c["key"]: c for c in client.get(BOARD).context["columns"]}
    assert [card.name for card in columns["ideation"]["cards"]] == ["Churn prediction"]
    assert [card.name for card in columns["prototyping"]["cards"]] == ["Route planner"]
    assert [card.name for card in columns["stopped"]["cards"]] == ["Old search"]
    assert columns["shipped"]["count"] == 0


def test_a_card_shows_what_a_manager_needs(client, manager, owner, portfolio):
    route = portfolio["route"]
    add_criterion(
        route, owner, name="Late deliveries", baseline=20.0, target=10.0, direction="lower"
    )
    criterion = route.criteria.get()
    experiment_add(
        project=route,
        week_start=week_start(criterion.updated_at.date()),
        title="First routes",
        by=owner,
        likelihood=55,
    )
    from lifecycle.services.experiment_log import ReadingInput, readings_add

    readings_add(project=route, readings=[ReadingInput("Late deliveries", 15.0)], by=owner)
    add_risk(route, owner, likelihood=5, impact=5)
    client.force_login(manager)
    response = client.get(BOARD, {"stage": "prototyping"})
    card = _cards(response)[0]
    assert card.likelihood == 55
    assert card.progress.percent == 50  # halfway from 20 down to 10
    assert card.summary.open_high_risks == 1
    page = response.content.decode()
    for text in (
        "Route planner",
        "Growth",
        "Eddie Editor",
        "Blocked: Waiting for GPS data",
        "55 %",
        "50 % to target",
        "1 open",
        "Off track",
    ):
        assert text in page


def test_htmx_requests_get_only_the_results(client, manager, portfolio):
    client.force_login(manager)
    response = client.get(BOARD, {"view": "table"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="portfolio-results"')
    assert "<html" not in page


def test_a_column_loads_its_further_cards_on_request(client, manager, team, owner):
    for n in range(CARDS_PER_COLUMN + 3):
        make_project(team, owner, name=f"Idea {n:02d}")
    client.force_login(manager)
    column = client.get(BOARD).context["columns"][0]
    assert column["count"] == CARDS_PER_COLUMN + 3
    assert len(column["cards"]) == CARDS_PER_COLUMN
    assert column["more"] == 3
    url = reverse("lifecycle:portfolio_column", args=["ideation"])
    more = client.get(f"{url}?{column['more_query']}", headers={"HX-Request": "true"})
    assert more.status_code == 200
    assert [c.name for c in more.context["column"]["cards"]] == ["Idea 08", "Idea 09", "Idea 10"]
    # Without JavaScript, "Show more" leads to the table of that column.
    plain = client.get(f"{url}?{column['more_query']}")
    assert plain.status_code == 302
    assert "view=table" in plain["Location"] and "stage=ideation" in plain["Location"]


def test_an_unknown_column_is_not_found(client, manager):
    client.force_login(manager)
    url = reverse("lifecycle:portfolio_column", args=["nowhere"])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


def test_the_table_is_paged(client, manager, team, owner):
    for n in range(ROWS_PER_PAGE + 2):
        make_project(team, owner, name=f"P {n:03d}")
    client.force_login(manager)
    first = client.get(BOARD, {"view": "table"})
    assert len(first.context["page"].object_list) == ROWS_PER_PAGE
    second = client.get(BOARD, {"view": "table", "page": 2})
    assert [c.name for c in second.context["page"].object_list] == ["P 050", "P 051"]


# CSV


def test_csv_lists_the_filtered_table(client, manager, portfolio):
    client.force_login(manager)
    response = client.get(CSV, {"status": "active", "sort": "name"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["Project"] for row in rows] == ["Churn prediction", "Route planner"]
    route = rows[1]
    assert route["Stage"] == "Prototyping"
    assert route["Health"] == "Off track"
    assert route["Why"] == "Blocked: Waiting for GPS data"
    assert route["Blocker"] == "Waiting for GPS data"
    assert route["Owner"] == "Eddie Editor"
    assert route["URL"].endswith("/projects/route-planner/")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Plain", "Plain"),
        (None, ""),
        (42, 42),
        (-0.5, -0.5),
        ("-0.5", "'-0.5"),
    ],
)
def test_csv_cells_cannot_start_a_formula(value, safe):
    assert csv_safe(value) == safe


def test_csv_escapes_formulas_in_project_text(client, manager, team, owner):
    make_project(team, owner, name="=cmd|'/c calc'!A1")
    client.force_login(manager)
    rows = csv_rows(client.get(CSV))
    assert rows[0]["Project"] == "'=cmd|'/c calc'!A1"


# Scale: queries and size do not grow with the portfolio


def _grow(team, owner, count):
    for n in range(count):
        project = make_project(team, owner, name=f"Grown {Project.objects.count()} {n}")
        add_criterion(project, owner, name="Share routed right")
        add_risk(project, owner, likelihood=5, impact=4)


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # session, user, 2 permission reads, team and owner choices, counts; then the columns'
        # ranking, their cards and the cards' criteria, or the table's rows and their criteria;
        # and the top bar's "can create projects" check and its bell's unread count.
        ({}, 12),
        ({"view": "table"}, 11),
        ({"view": "table", "health": "on_track", "sort": "-likelihood"}, 11),
    ],
)
def test_the_board_query_count_does_not_depend_on_the_number_of_projects(
    client, manager, team, owner, params, queries, django_assert_num_queries
):
    client.force_login(manager)
    _grow(team, owner, 3)
    client.get(BOARD, params)  # warm the session and permission caches alike
    with django_assert_num_queries(queries):
        assert client.get(BOARD, params).status_code == 200
    _grow(team, owner, 25)
    with django_assert_num_queries(queries):
        assert client.get(BOARD, params).status_code == 200


def test_the_csv_query_count_does_not_depend_on_the_number_of_projects(
    client, manager, team, owner, django_assert_num_queries
):
    client.force_login(manager)
    _grow(team, owner, 3)
    with django_assert_num_queries(8):
        client.get(CSV)
    _grow(team, owner, 20)
    with django_assert_num_queries(8):
        client.get(CSV)


def test_the_board_stays_small_however_many_projects(client, manager, team, owner):
    _grow(team, owner, CARDS_PER_COLUMN * 2 + ROWS_PER_PAGE)
    client.force_login(manager)
    for params in ({}, {"view": "table"}):
        response = client.get(BOARD, params)
        assert len(response.content) < 300_000
    assert len(client.get(BOARD).context["columns"][0]["cards"]) == CARDS_PER_COLUMN


def test_show_more_only_brings_visible_projects(client, viewer, project, other_team_project):
    client.force_login(viewer)
    url = reverse("lifecycle:portfolio_column", args=["ideation"])
    response = client.get(f"{url}?offset=0", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [c.name for c in response.context["column"]["cards"]] == ["Churn prediction"]
    assert "Fraud flags" not in response.content.decode()
