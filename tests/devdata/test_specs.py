"""The demo portfolio's data files are checked on load, with errors that name the file and the
field to fix."""

import json
import shutil

import pytest

from devdata import portfolio
from devdata.specs import DATA, DemoDataError, load

CHURN = "projects/01-churn-prediction-for-subscription-customers.json"


@pytest.fixture
def data(tmp_path):
    """A copy of devdata/data/ to break."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def edit(data, name: str, change) -> None:
    path = data / name
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content), encoding="utf-8")


def test_the_shipped_data_loads():
    assert len(portfolio.PROJECTS) == 15
    assert len(portfolio.DEMOS) == 5
    assert [username for username, _ in portfolio.DEMO_LOGINS][:2] == ["manager", "dana"]
    assert set(portfolio.LOGS) == {p.slug for p in portfolio.PROJECTS if p.moves}
    assert set(portfolio.DEFAULT_STAGE_PLANS) == {
        "ideation",
        "data_collection",
        "prototyping",
        "tech_transfer",
        "monitoring",
    }


def test_a_list_of_strings_is_a_markdown_bullet_list():
    churn = portfolio.PROJECTS[0]

    assert churn.charter.constraints.split("\n")[0].startswith("- ")
    assert "\n- " in portfolio.DEFAULT_STAGE_PLANS["ideation"].expected_inputs


def test_a_wrong_choice_names_the_file_and_the_field(data):
    edit(data, CHURN, lambda p: p["criteria"][2].update(direction="up"))

    with pytest.raises(DemoDataError) as error:
        load(data)

    message = str(error.value)
    assert CHURN in message
    assert "criteria.2.direction" in message
    assert "'higher' or 'lower'" in message


def test_an_unknown_person_is_named_with_who_exists(data):
    edit(data, CHURN, lambda p: p["moves"][1].update(by="elli"))

    with pytest.raises(DemoDataError, match=r"moves\.1\.by: .*unknown person 'elli'.*dana"):
        load(data)


def test_a_misspelt_key_is_an_error_not_ignored(data):
    edit(data, "demos.json", lambda d: d["demos"][0].update(jugded=20))

    with pytest.raises(DemoDataError, match=r"demos\.json:\n  - demos\.0\.jugded: Extra inputs"):
        load(data)


def test_a_trend_of_an_unknown_criterion_is_an_error(data):
    def rename(project):
        project["log"]["trends"]["Recall at top 5"] = project["log"]["trends"].pop("Recall@top-5%")

    edit(data, CHURN, rename)

    with pytest.raises(DemoDataError, match=r"log\.trends: no criterion 'Recall at top 5'"):
        load(data)


def test_trend_points_must_be_oldest_first(data):
    edit(data, CHURN, lambda p: p["log"].update(likelihood=[[0, 90], [515, 45]]))

    with pytest.raises(DemoDataError, match=r"log\.likelihood: .*oldest first"):
        load(data)


def test_a_demo_of_an_unknown_project_is_an_error(data):
    edit(data, "demos.json", lambda d: d["demos"][0].update(project="no-such-project"))

    with pytest.raises(DemoDataError, match=r"demos\.0\.project: no project 'no-such-project'"):
        load(data)


def test_an_unknown_output_generator_is_an_error(data):
    edit(data, "demos.json", lambda d: d["demos"][0]["versions"][0].update(outputs="churn-v9"))

    with pytest.raises(DemoDataError, match=r"demos\.0\.versions\.0\.outputs: .*'churn-v9'"):
        load(data)


def test_a_project_file_is_named_after_its_project(data):
    (data / CHURN).rename(data / "projects/01-churn.json")

    with pytest.raises(DemoDataError, match=r"01-churn\.json: name the file NN-churn-predic"):
        load(data)


def test_a_file_that_is_not_json_is_named(data):
    (data / "ideas.json").write_text("{not json", encoding="utf-8")

    with pytest.raises(DemoDataError, match=r"ideas\.json: cannot be read as JSON"):
        load(data)


def test_an_idea_naming_an_unknown_placeholder_is_an_error(data):
    edit(data, "ideas.json", lambda d: d["prototyping"][1].update(title="Tune the {modle}"))

    with pytest.raises(DemoDataError, match=r"prototyping\.1: .*unknown placeholder modle"):
        load(data)
