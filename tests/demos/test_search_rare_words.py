"""PostgreSQL reads a rare word's few matches by id and walks the score order for a common one
(demos/selectors/search.py: RARE_ROWS): both ways give the same answers."""

import pytest

from demos.selectors import search

from .search_checks import EXPECTED, run


@pytest.mark.parametrize("rare_rows", [0, 1, search.RARE_ROWS])
@pytest.mark.django_db(transaction=True)
def test_rare_and_common_words_find_the_same_examples(project, owner, monkeypatch, rare_rows):
    monkeypatch.setattr(search, "RARE_ROWS", rare_rows)
    results = run(project, owner)
    for key, expected in EXPECTED.items():
        assert results[key] == expected, key
    assert results["other_dataset"] == ["t1"]
    assert results["after_delete"] == ["t1"]
