"""Shared plumbing: numbers as people write them, and the charts' common look."""

import pytest

from plumbing.charts import GRID, base_layout
from plumbing.numbers import number


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (None, ""),
        ("", ""),
        (12, "12"),
        (12.0, "12"),
        (1_250_000, "1,250,000"),
        (0.85, "0.85"),
        (3.5, "3.5"),
        (0.123456, "0.1235"),
        (-2.50, "-2.5"),
        ("7.10", "7.1"),
    ],
)
def test_numbers_are_written_without_trailing_zeros(value, written):
    assert number(value) == written


def test_each_chart_gets_its_own_axes_to_extend():
    first, second = base_layout(), base_layout()
    first["xaxis"] |= {"type": "date"}
    assert "type" not in second["xaxis"]
    assert second["xaxis"]["linecolor"] == GRID


def test_a_chart_replaces_what_it_must_and_keeps_the_rest():
    layout = base_layout(showlegend=False, margin={"l": 120})
    assert layout["showlegend"] is False
    assert layout["margin"] == {"l": 120}
    assert layout["dragmode"] is False  # still: the page scrolls, the chart does not pan
