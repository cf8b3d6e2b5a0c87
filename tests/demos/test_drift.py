"""PSI between two datasets (demos/selectors/drift.py), held against a plain numpy computation."""

import numpy as np
import pytest

from demos.models import Dataset, Example
from demos.selectors.drift import (
    EPSILON,
    DriftError,
    band_rows,
    decile_edges,
    drift_level,
    drift_words,
    psi,
    psi_of_counts,
    versions_words,
)

pytestmark = pytest.mark.django_db


def store(demo, version: str, scores) -> Dataset:
    """A ready dataset holding `scores` (stored in a shuffled order, as uploads are not sorted)."""
    scores = np.asarray(scores, dtype=float)
    dataset = Dataset.objects.create(
        demo=demo, model_version=version, ready=True, scale=demo.scale, row_count=len(scores)
    )
    Example.objects.bulk_create(
        (
            Example(dataset=dataset, row=i + 2, external_id=f"x{i}", score=float(s), fields={})
            for i, s in enumerate(np.random.default_rng(1).permutation(scores))
        ),
        batch_size=2000,
    )
    return dataset


def numpy_psi(reference, live) -> tuple[float, list[float]]:
    """The rule written out once more with numpy: bands cut at the reference's scores at
    positions n/10 … 9n/10 of its sorted scores (ties and 0 collapsed), a score on an edge in the
    band above, shares floored at EPSILON."""
    ref, cur = np.sort(np.asarray(reference, float)), np.asarray(live, float)
    n = len(ref)
    edges = np.unique(ref[[k * n // 10 for k in range(1, 10)]])
    edges = edges[edges > 0]
    ref_share = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
    cur_share = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    p = np.maximum(ref_share / n, EPSILON)
    q = np.maximum(cur_share / len(cur), EPSILON)
    return float(np.sum((q - p) * np.log(q / p))), edges.tolist()


RNG = np.random.default_rng(2026)
CASES = {
    "same distribution": (RNG.beta(2, 2, 3000), RNG.beta(2, 2, 2500)),
    "shifted": (RNG.beta(2, 5, 3000), RNG.beta(5, 2, 2000)),
    "slightly shifted": (RNG.beta(2, 2, 3000), RNG.beta(2.4, 2, 3000)),
    "uniform against a spike": (RNG.uniform(0, 1, 2000), np.full(1500, 0.42)),
    # Scores rounded to one decimal: many tied edges collapse into fewer bands.
    "ties": (np.round(RNG.beta(2, 2, 3000), 1), np.round(RNG.beta(3, 2, 2000), 1)),
    # Live scores only in the top band: nine bands of the live dataset are empty.
    "empty bands": (RNG.uniform(0, 1, 2000), RNG.uniform(0.97, 1.0, 800)),
    "zeros in the reference": (
        np.concatenate([np.zeros(700), RNG.uniform(0, 1, 1300)]),
        RNG.uniform(0, 1, 1000),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_psi_matches_a_numpy_computation(demo, case):
    reference_scores, live_scores = CASES[case]
    reference = store(demo, "v1", reference_scores)
    live = store(demo, "live", live_scores)
    expected, edges = numpy_psi(reference_scores, live_scores)

    drift = psi(reference, live)

    assert decile_edges(reference) == pytest.approx(edges)
    assert drift.value == pytest.approx(expected, abs=1e-4)
    assert np.isfinite(drift.value)
    assert len(drift.bins) == len(edges) + 1
    assert sum(b[2] for b in drift.bins) == pytest.approx(1, abs=1e-3)
    assert sum(b[3] for b in drift.bins) == pytest.approx(1, abs=1e-3)


def test_a_dataset_against_itself_is_stable_with_psi_zero(demo):
    scores = RNG.beta(2, 2, 1000)
    reference, live = store(demo, "v1", scores), store(demo, "live", scores)
    drift = psi(reference, live)
    assert (drift.value, drift.level) == (0.0, "stable")
    assert [round(b[2], 1) for b in drift.bins] == [0.1] * 10


def test_bins_run_from_zero_to_one_over_the_reference_deciles(demo):
    reference = store(demo, "v1", np.arange(1, 101) / 100)  # 0.01 … 1.00
    live = store(demo, "live", [0.05] * 10)
    drift = psi(reference, live)
    assert [(b[0], b[1]) for b in drift.bins][:2] == [(0.0, 0.11), (0.11, 0.21)]
    assert drift.bins[-1][1] == 1.0
    assert drift.bins[0][3] == 1.0  # every live score in the lowest band
    assert drift.level == "significant"


def test_all_tied_scores_make_two_bands(demo):
    reference = store(demo, "v1", [0.5] * 50)
    live = store(demo, "live", [0.2] * 25 + [0.7] * 25)
    drift = psi(reference, live)
    assert [(b[0], b[1]) for b in drift.bins] == [(0.0, 0.5), (0.5, 1.0)]
    assert drift.value == pytest.approx(psi_of_counts([0, 50], [25, 25]), abs=1e-4)


def test_an_empty_dataset_is_refused_with_its_name(demo):
    reference = store(demo, "v1", [0.5, 0.6])
    empty = Dataset.objects.create(demo=demo, model_version="empty", ready=True, scale=demo.scale)
    with pytest.raises(DriftError, match="“empty” has no examples"):
        psi(reference, empty)


def test_queries_do_not_grow_with_rows(demo, django_assert_max_num_queries):
    small = (store(demo, "s1", RNG.beta(2, 2, 100)), store(demo, "s2", RNG.beta(2, 3, 100)))
    big = (store(demo, "b1", RNG.beta(2, 2, 5000)), store(demo, "b2", RNG.beta(2, 3, 5000)))
    # 9 edges, then 9 range counts per dataset.
    for reference, live in (small, big):
        with django_assert_max_num_queries(27):
            psi(reference, live)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (0.0, "stable"),
        (0.0994, "stable"),
        (0.0996, "moderate"),  # shown as 0.100
        (0.1, "moderate"),
        (0.17, "moderate"),
        (0.25, "moderate"),
        (0.2504, "moderate"),  # shown as 0.250
        (0.2506, "significant"),  # shown as 0.251
        (3.2, "significant"),
    ],
)
def test_levels_at_the_thresholds(value, level):
    assert drift_level(value) == level
    assert drift_words(value)[0] == level


def test_words_give_the_figure_and_what_to_do():
    level, sentence = drift_words(0.31, version="v3")
    assert level == "significant"
    assert sentence == (
        "Significant drift (PSI 0.310): live scores are spread differently from what model v3 "
        "was shown; check the inputs and consider retraining."
    )
    assert "the model was shown" in drift_words(0.31)[1]
    assert drift_words(0.04)[1].startswith("Stable (PSI 0.040)")
    assert drift_words(0.12)[1].startswith("Moderate drift (PSI 0.120)")


def test_versions_words_name_both_versions(demo):
    before = store(demo, "v1", RNG.beta(2, 5, 500))
    after = store(demo, "v2", RNG.beta(5, 2, 500))
    words = versions_words(psi(before, after), before, after)
    assert words.startswith("“v2” spreads its scores very differently from “v1” (PSI ")
    assert words.endswith(": significant drift).")


def test_band_rows_scale_bars_to_the_largest_share():
    rows = band_rows([[0.0, 0.5, 0.5, 0.2], [0.5, 1.0, 0.5, 0.8]])
    assert [(r.reference_pct, r.live_pct) for r in rows] == [(50.0, 20.0), (50.0, 80.0)]
    assert [(r.reference_width, r.live_width) for r in rows] == [(62.5, 25.0), (62.5, 100.0)]
