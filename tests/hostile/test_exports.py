"""Every CSV the app writes (the portfolio board's export; plumbing/spreadsheet.py for any other)
reaches a spreadsheet as text: a cell that would start a formula gets a leading quote."""

import csv
import io

import pytest
from django.urls import reverse

from lifecycle import services
from plumbing.spreadsheet import csv_safe, csv_writer
from tests.factories import make_project

from .corpus import FORMULAS, count

pytestmark = pytest.mark.django_db


def board_rows(client) -> list[dict]:
    response = client.get(reverse("lifecycle:portfolio_csv"))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda text: repr(text[:12]))
def test_the_board_csv_neutralises_formulas_in_names_and_blockers(
    client, manager, team, owner, formula
):
    project = make_project(team, owner, name=formula)
    services.project_set_blocker(project=project, text=formula, expected="", by=owner)
    project.refresh_from_db()  # (names and blockers are stored trimmed: "\t=1" as "=1")
    client.force_login(manager)
    (row,) = board_rows(client)
    assert row["Project"] == "'" + project.name
    assert row["Blocker"] == "'" + project.blocker
    assert row["Why"].startswith("Blocked: ")  # text that does not start a cell stays as it is


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_quoted():
    out = io.StringIO()
    csv_writer(out).writerow([-0.5, 12, "-0.5", "=1+1", None, "plain"])
    assert out.getvalue() == "-0.5,12,'-0.5,'=1+1,,plain\r\n"


def test_true_and_false_are_text():
    assert csv_safe(True) == "True"


def test_the_corpus_has_at_least_sixty_inputs():
    assert count() >= 60
