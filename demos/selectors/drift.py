"""Drift: how far the spread of one dataset's scores has moved from another's.

Measured by the population stability index (PSI) over ten score bands cut at the reference's
deciles: PSI = Σ (live share − reference share) × ln(live share / reference share), summed over
the bands. 0 is the same spread; the further the shares move apart, the larger it gets.

Everything is read from the (dataset, score) index: the decile edges by OFFSET into the ordered
index, the counts per band by one range count per band (queries.range_band_counts counts from
the nearer end of the index, the right choice for a scale's few thresholds; for ten bands,
counting each band's own range reads every entry once instead of two and a half times). No row
is loaded, so a million-row dataset costs the same 27 queries as a small one.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q

from ..models import Dataset, DriftLevel, Example

BANDS = 10
# A band's share is taken as at least 0.01 % (of either dataset), so a band that one dataset
# leaves empty adds a large but finite term instead of an infinite one.
EPSILON = 1e-4
STABLE_BELOW = 0.1
SIGNIFICANT_ABOVE = 0.25

PSI_MEANING = (
    "The population stability index (PSI) cuts the scores into ten bands that each hold a tenth "
    "of the model version's own scores, and adds up how far the other scores' shares of those "
    "bands moved: 0 means the same spread, under 0.1 is stable, over 0.25 is a real change."
)


class DriftError(ValueError):
    """Two datasets whose drift cannot be measured; the message says why."""


@dataclass(frozen=True)
class Drift:
    value: float  # the PSI, shown with 3 decimals
    level: str  # DriftLevel: stable, moderate or significant
    words: str  # one plain sentence with the figure
    bins: list[tuple[float, float, float, float]]  # (low, high, reference share, live share)


def drift_level(value: float) -> str:
    """The level of a PSI, as the issue states it: under 0.1 stable, 0.1 to 0.25 moderate, over
    0.25 significant. Both ends of the middle range are moderate: exactly 0.1 is moderate, and
    exactly 0.25 is moderate too (significant starts above it). The level is read from the
    figure as shown, rounded to 3 decimals, so the words never disagree with the number next to
    them (0.0996 shows as 0.100 and is moderate)."""
    shown = round(value, 3)
    if shown < STABLE_BELOW:
        return DriftLevel.STABLE
    if shown > SIGNIFICANT_ABOVE:
        return DriftLevel.SIGNIFICANT
    return DriftLevel.MODERATE


def drift_words(value: float, *, version: str = "") -> tuple[str, str]:
    """(level, sentence) for a live dataset's PSI against the model version it is served by.

    Without `version` the sentence speaks of "the model" (for a notification that names the
    version elsewhere); with it, of "model <version>"."""
    level = drift_level(value)
    who = f"model {version}" if version else "the model"
    figure = f"PSI {value:.3f}"
    if level == DriftLevel.STABLE:
        sentence = (
            f"Stable ({figure}): live scores are spread much like what {who} was shown; "
            "nothing to do."
        )
    elif level == DriftLevel.MODERATE:
        sentence = (
            f"Moderate drift ({figure}): live scores have moved somewhat from what {who} was "
            "shown; keep an eye on it and look at what changed in the inputs."
        )
    else:
        sentence = (
            f"Significant drift ({figure}): live scores are spread differently from what {who} "
            "was shown; check the inputs and consider retraining."
        )
    return level, sentence


def versions_words(drift: Drift, before: Dataset, after: Dataset) -> str:
    """The PSI of two model versions of a demo, in words (the compare page)."""
    hows: dict[str, str] = {
        DriftLevel.STABLE: "much like",
        DriftLevel.MODERATE: "somewhat differently from",
        DriftLevel.SIGNIFICANT: "very differently from",
    }
    how = hows[drift.level]
    return (
        f"“{after.model_version}” spreads its scores {how} “{before.model_version}” "
        f"(PSI {drift.value:.3f}: {DriftLevel(drift.level).label.lower()})."
    )


def _in_band(low: float | None, high: float | None) -> Q:
    """Scores from `low` (included) to `high` (excluded): one range of the (dataset, score)
    index. A score on an edge belongs to the band that starts there, as a score on a scale's
    threshold does."""
    condition = Q()
    if low is not None:
        condition &= Q(score__gte=low)
    if high is not None:
        condition &= Q(score__lt=high)
    return condition


def reference_bands(reference: Dataset) -> tuple[list[float], list[int]]:
    """The reference's band edges, from low to high, and its examples per band.

    The edges are the scores at positions n/10, 2n/10, … 9n/10 of its ordered scores. Each is
    read by OFFSET into the index, starting from the previous edge (minus the examples already
    counted below it), and the band it closes is counted as a range: every index entry is read
    about twice in all, whatever n is. Tied scores give equal edges, which collapse into one
    (so there may be fewer than ten bands); an edge at 0 would close an empty band and is left
    out."""
    total = reference.row_count
    if total <= 0:
        raise DriftError(f"“{reference.model_version}” has no examples to compare.")
    examples = Example.objects.filter(dataset=reference)
    edges: list[float] = []
    counts: list[int] = []
    below = 0  # examples under the last edge kept
    for k in range(1, BANDS):
        low = edges[-1] if edges else None
        edge = (
            examples.filter(_in_band(low, None))
            .order_by("score")
            .values_list("score", flat=True)[k * total // BANDS - below]
        )
        if edge <= 0 or edge == low:
            continue
        in_band = examples.filter(_in_band(low, edge)).count()
        edges.append(edge)
        counts.append(in_band)
        below += in_band
    counts.append(total - below)
    return edges, counts


def decile_edges(dataset: Dataset) -> list[float]:
    """Where the bands of `dataset` as a reference start, the lowest band's start (0) left out."""
    return reference_bands(dataset)[0]


def band_counts(dataset: Dataset, edges: list[float]) -> list[int]:
    """Examples of `dataset` in each band [0, e1), [e1, e2), … [e_last, 1]: one range count per
    band but the last (the rest), so each index entry is read once."""
    examples = Example.objects.filter(dataset=dataset)
    counts = [
        examples.filter(_in_band(low, high)).count()
        for low, high in zip([None, *edges[:-1]], edges, strict=True)
    ]
    return [*counts, dataset.row_count - sum(counts)]


def psi_of_counts(reference: list[int], live: list[int]) -> float:
    """The PSI of two lists of counts per band, each share at least EPSILON."""
    total_ref, total_live = sum(reference), sum(live)
    value = 0.0
    for ref, cur in zip(reference, live, strict=True):
        share_ref = max(ref / total_ref, EPSILON)
        share_live = max(cur / total_live, EPSILON)
        value += (share_live - share_ref) * math.log(share_live / share_ref)
    return value


def psi(reference: Dataset, live: Dataset) -> Drift:
    """The drift of `live` from `reference` (both ready, with rows): PSI over the reference's
    decile bands, its level, a sentence with the figure, and each band's two shares."""
    if live.row_count <= 0:
        raise DriftError(f"“{live.model_version}” has no examples to compare.")
    edges, ref_counts = reference_bands(reference)
    live_counts = band_counts(live, edges)
    value = psi_of_counts(ref_counts, live_counts)
    level, words = drift_words(value, version=reference.model_version)
    lows, highs = [0.0, *edges], [*edges, 1.0]
    total_ref, total_live = sum(ref_counts), sum(live_counts)
    bins = [
        (low, high, round(ref / total_ref, 4), round(cur / total_live, 4))
        for low, high, ref, cur in zip(lows, highs, ref_counts, live_counts, strict=True)
    ]
    return Drift(round(value, 4), level, words, bins)


def cached_psi(reference: Dataset, live: Dataset) -> Drift:
    """psi() of two ready datasets, computed once: their rows never change once ready (the
    created_at in the key: SQLite may reuse the id of a deleted dataset)."""
    key = "demos:psi:" + ":".join(
        f"{d.pk}-{d.created_at.timestamp():.0f}" for d in (reference, live)
    )
    drift: Drift | None = cache.get(key)
    if drift is None:
        drift = psi(reference, live)
        cache.set(key, drift, None)
    return drift


# Showing bands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandRow:
    """One band of a drift table: its score range, both shares in %, and bar widths (0-100,
    the largest share of the table filling the bar)."""

    low: float
    high: float
    reference_pct: float
    live_pct: float
    reference_width: float
    live_width: float


def band_rows(bins: Sequence[Sequence[float]]) -> list[BandRow]:
    """Rows for drawing bins (from Drift.bins or Dataset.drift_bins) as a table of bars."""
    largest = max((max(b[2], b[3]) for b in bins), default=0) or 1
    return [
        BandRow(
            low,
            high,
            round(100 * ref, 1),
            round(100 * cur, 1),
            round(100 * ref / largest, 1),
            round(100 * cur / largest, 1),
        )
        for low, high, ref, cur in bins
    ]


@dataclass(frozen=True)
class LiveTraffic:
    """A live dataset of a demo as its page shows it, from the figures stored on the row."""

    dataset: Dataset
    reference: Dataset | None
    words: str
    rows: list[BandRow]


def live_traffic(datasets: list[Dataset]) -> list[LiveTraffic]:
    """The live datasets among a demo's `datasets`, each with the version serving it (found in
    the same list: no query) and its stored drift in words."""
    by_id = {dataset.pk: dataset for dataset in datasets}
    shown = []
    for dataset in datasets:
        if dataset.live_of_id is None:
            continue
        reference = by_id.get(dataset.live_of_id)
        words = ""
        if dataset.drift_psi is not None and reference is not None:
            words = drift_words(dataset.drift_psi, version=reference.model_version)[1]
        shown.append(LiveTraffic(dataset, reference, words, band_rows(dataset.drift_bins)))
    return shown
