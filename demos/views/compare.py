"""Two model versions of a demo side by side, on the examples both have."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from ..access import get_demo_for_reader
from ..models import Dataset, Example
from ..pages import int_or_none
from ..selectors.drift import PSI_MEANING, band_rows, cached_psi, versions_words
from ..selectors.examples import (
    CHANGED_PER_PAGE,
    NotComparable,
    Shown,
    changed_examples,
    compare,
    dataset_bands,
    ready_datasets,
    shown_by_default,
    shown_fields,
)


@dataclass
class Change:
    example: Example
    shown: Shown
    before: str
    before_colour: str
    after: str
    after_colour: str


def _label(dataset, bands, score: float, top_class: str) -> tuple[str, str]:
    if dataset.is_multiclass:
        return top_class, "#2856c7"
    band = next((band for band in bands if score >= band.min), bands[-1])
    return band.label, band.colour


@require_GET
@login_required
def compare_versions(request, slug, demo_id):
    access = get_demo_for_reader(request.user, demo_id, slug)
    demo = access.demo
    datasets = ready_datasets(demo)
    by_id: dict[int | None, Dataset] = {dataset.pk: dataset for dataset in datasets}
    # By default the version stakeholders see against the model version before it: live traffic
    # is compared only when asked for.
    after = by_id.get(int_or_none(request.GET.get("b"))) or shown_by_default(datasets)
    others = [d for d in datasets if d != after]
    before = by_id.get(int_or_none(request.GET.get("a"))) or shown_by_default(others)
    context = {
        "demo": demo,
        "project": demo.project,
        "access": access,
        "datasets": datasets,
        "before": before,
        "after": after,
    }
    if before is None or after is None or before == after:
        context["problem"] = (
            "Choose two different model versions to compare."
            if len(datasets) > 1
            else "Comparing needs two model versions; upload a second one first."
        )
        return TemplateResponse(request, "demos/compare.html", context)
    try:
        comparison = compare(before, after)
    except NotComparable as error:
        context["problem"] = str(error)
        return TemplateResponse(request, "demos/compare.html", context)
    pages = max(1, -(-comparison.changed // CHANGED_PER_PAGE))
    page = min(max(int_or_none(request.GET.get("page")) or 1, 1), pages)
    rows = changed_examples(
        before, after, offset=(page - 1) * CHANGED_PER_PAGE, limit=CHANGED_PER_PAGE
    )
    bands_before, bands_after = dataset_bands(before), dataset_bands(after)
    changes = []
    for example in rows:
        label_before = _label(before, bands_before, example.score, example.top_class)
        label_after = _label(after, bands_after, example.after_score, example.after_class)  # type: ignore[attr-defined]  # annotated by changed_examples
        changes.append(
            Change(
                example,
                shown_fields(example.fields, before.display_columns),
                *label_before,
                *label_after,
            )
        )
    # Version-to-version drift: asked for by opening this page, from index range counts (cached).
    drift = cached_psi(before, after)
    context.update(
        drift=drift,
        drift_words=versions_words(drift, before, after),
        drift_rows=band_rows(drift.bins),
        psi_meaning=PSI_MEANING,
    )
    base = f"?a={before.pk}&b={after.pk}"
    context.update(
        comparison=comparison,
        matrix_rows=list(
            zip(comparison.before_labels, comparison.matrix, comparison.before_totals, strict=True)
        ),
        changes=changes,
        page=page,
        pages=pages,
        previous_url=f"{base}&page={page - 1}#changed" if page > 1 else "",
        next_url=f"{base}&page={page + 1}#changed" if page < pages else "",
        changed_share=(
            round(100 * comparison.changed / comparison.shared) if comparison.shared else 0
        ),
    )
    return TemplateResponse(request, "demos/compare.html", context)
