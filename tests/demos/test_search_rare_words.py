"""PostgreSQL reads a rare word's few matches by id and walks the score order for a common one
(demos/selectors/search.py: RARE_ROWS): both ways give the same answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demos.models import Example
from demos.selectors import search
from demos.services import demo_create

from .search_checks import EXPECTED, run, upload


@pytest.mark.parametrize("rare_rows", [0, 1, search.RARE_ROWS])
@pytest.mark.django_db(transaction=True)
def test_rare_and_common_words_find_the_same_examples(project, owner, monkeypatch, rare_rows):
    monkeypatch.setattr(search, "RARE_ROWS", rare_rows)
    results = run(project, owner)
    for key, expected in EXPECTED.items():
        assert results[key] == expected, key
    assert results["other_dataset"] == ["t1"]
    assert results["after_delete"] == ["t1"]


@pytest.mark.django_db(transaction=True)
def test_the_index_is_asked_for_ids_without_sorting_the_matches(project, owner):
    """The probe stops at RARE_ROWS + 1 ids. Sorted (the model's default order joins the dataset
    and sorts every match), a word held by 100,000 rows cost 57 ms before the page was read."""
    dataset = upload(demo_create(project=project, title="Tickets", by=owner), owner, "v1")
    with CaptureQueriesContext(connection) as queries:
        found = search.matching(Example.objects.all(), dataset.pk, ["title", "text"], "log")
        assert sorted(found.values_list("external_id", flat=True)) == ["t2", "t4"]
    probes = [
        q["sql"] for q in queries.captured_queries if f"LIMIT {search.RARE_ROWS + 1}" in q["sql"]
    ]
    assert len(probes) == 1
    assert "ORDER BY" not in probes[0] and "JOIN" not in probes[0], probes[0]
