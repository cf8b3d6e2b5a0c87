"""Reads for the demo pages: a dataset's labels and their counts, pages of examples, comparisons.

A dataset's rows never change once it is ready and a scale version never changes, so counts per
(dataset, thresholds) are cached without expiry or invalidation: a million-row dataset is
counted once per set of thresholds, not on every page.
"""

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import User

from ..models import Dataset, Demo, Example, Feedback, ScaleKind, ShareLink
from ..scales import CONFIDENCE_WORDS, Band, band_expression, band_filter
from ..scales import bands_from_json as _bands_from_json
from .search import matching

# The stakeholder page shows a few examples at a time: on a phone one page is a short column
# that ends in clear Previous and Next buttons, not an endless one (two rows of three on a laptop).
PER_PAGE = 6
CHANGED_PER_PAGE = 20
CACHE_SECONDS = None  # immutable inputs: keep until evicted
MAX_SEARCH = 100

TITLE_COLUMNS = {"title", "subject", "name", "headline", "summary"}
IMAGE_COLUMNS = ("image", "img", "photo", "picture", "thumbnail", "thumb")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")


# Labels ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """One label a stakeholder can filter by: a score band, or a class of a multi-class model."""

    key: str  # in the URL: the band's position, or the class name
    name: str
    colour: str
    description: str
    count: int


@dataclass
class LabelSet:
    """How a dataset's examples are labelled, and how many examples carry each label."""

    dataset: Dataset
    kind: str  # bands, stars, traffic_light, or "classes" for a multi-class model
    bands: list[Band]  # score bands, or the confidence words of a multi-class model
    labels: list[Label]

    @property
    def total(self) -> int:
        return sum(label.count for label in self.labels)

    def get(self, key: str | None) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)

    def condition(self, key: str) -> Q:
        if self.kind == "classes":
            return Q(top_class=key)
        return band_filter(self.bands, int(key))

    def band_of(self, score: float) -> Band:
        for band in self.bands:
            if score >= band.min:
                return band
        return self.bands[-1]


def _bands_key(bands: list[Band]) -> str:
    return hashlib.sha1(  # noqa: S324 - a cache key, not a secret
        json.dumps([band.min for band in bands]).encode()
    ).hexdigest()[:16]


def _dataset_key(dataset: Dataset) -> str:
    # created_at too: SQLite may reuse the id of a deleted dataset.
    return f"{dataset.pk}-{dataset.created_at.timestamp():.0f}"


def range_band_counts(dataset: Dataset, bands: list[Band]) -> list[int]:
    """band_counts of a ready dataset, from one count per threshold over a range of the
    (dataset, score) index, always the half of the range expected to be smaller (measured on 1M
    rows: 15-85 ms of CPU against 675 ms for labelling every row and grouping)."""
    examples = Example.objects.filter(dataset=dataset)
    total = dataset.row_count or examples.count()
    at_least = []  # how many examples reach each band's min, the highest band first
    for band in bands[:-1]:
        if band.min >= 0.5:
            at_least.append(examples.filter(score__gte=band.min).count())
        else:
            at_least.append(total - examples.filter(score__lt=band.min).count())
    at_least.append(total)  # the last band starts at 0: every example reaches it
    return [n - (at_least[i - 1] if i else 0) for i, n in enumerate(at_least)]


def cached_band_counts(dataset: Dataset, bands: list[Band]) -> list[int]:
    """Examples per band of a ready dataset, counted once per set of thresholds."""
    key = f"demos:band-counts:{_dataset_key(dataset)}:{_bands_key(bands)}"
    counts = cache.get(key)
    if counts is None or len(counts) != len(bands):
        counts = range_band_counts(dataset, bands)
        cache.set(key, counts, CACHE_SECONDS)
    return list(counts)


def cached_class_counts(dataset: Dataset) -> dict[str, int]:
    key = f"demos:class-counts:{_dataset_key(dataset)}"
    counts = cache.get(key)
    if counts is None:
        rows = (
            Example.objects.filter(dataset=dataset)
            .order_by()
            .values("top_class")
            .annotate(n=Count("id"))
            .values_list("top_class", "n")
        )
        counts = dict(rows)
        cache.set(key, counts, CACHE_SECONDS)
    return dict(counts)


def dataset_bands(dataset: Dataset) -> list[Band]:
    if dataset.is_multiclass:
        return list(CONFIDENCE_WORDS)
    return _bands_from_json(dataset.scale.bands)


def label_set(dataset: Dataset) -> LabelSet:
    """The labels of `dataset` with their counts (cached: no counting on a page view)."""
    bands = dataset_bands(dataset)
    if dataset.is_multiclass:
        counts = cached_class_counts(dataset)
        labels = [Label(name, name, "#2856c7", "", counts.get(name, 0)) for name in dataset.classes]
        return LabelSet(dataset, "classes", bands, labels)
    band_counts = cached_band_counts(dataset, bands)
    labels = [
        Label(str(index), band.label, band.colour, band.description, band_counts[index])
        for index, band in enumerate(bands)
    ]
    return LabelSet(dataset, dataset.scale.kind, bands, labels)


def ready_datasets(demo: Demo) -> list[Dataset]:
    """The demo's complete datasets, newest first, with the scale each is shown with and who
    uploaded it (the demo page names them)."""
    return list(
        demo.datasets.filter(ready=True)
        .select_related("scale", "created_by")
        .order_by("-created_at")
    )


def shown_by_default(datasets: list[Dataset]) -> Dataset | None:
    """The version stakeholders see when they open the demo, and the one the team page reports
    on: the newest model version that is not live traffic (live traffic only when nothing else
    is ready). `datasets` newest first, as ready_datasets gives them."""
    return next((d for d in datasets if d.live_of_id is None), datasets[0] if datasets else None)


# Displaying an example ------------------------------------------------------------------------


@dataclass
class Shown:
    """An example's display columns, sorted into what a card shows where."""

    title: str = ""
    texts: list[tuple[str, str]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (url, column)
    links: list[tuple[str, str]] = field(default_factory=list)  # (column, url)
    attributes: list[tuple[str, str]] = field(default_factory=list)


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_image(column: str, value: str) -> bool:
    name = column.casefold()
    return any(word in name for word in IMAGE_COLUMNS) or (
        urlsplit(value).path.casefold().endswith(IMAGE_EXTENSIONS)
    )


def humanise(column: str) -> str:
    words = column.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def shown_fields(fields: dict, columns: list[str]) -> Shown:
    shown = Shown()
    for column in columns:
        value = str(fields.get(column, "") or "").strip()
        if not value:
            continue
        if _is_web_url(value):
            if _is_image(column, value):
                shown.images.append((value, humanise(column)))
            else:
                shown.links.append((humanise(column), value))
        elif not shown.title and column.casefold() in TITLE_COLUMNS:
            shown.title = value
        elif len(value) > 60 or column.casefold() in {"text", "body", "description", "content"}:
            shown.texts.append((humanise(column), value))
        else:
            shown.attributes.append((humanise(column), value))
    return shown


# Pages of examples ----------------------------------------------------------------------------


@dataclass
class ExamplePage:
    examples: list[Example]
    has_next: bool
    has_previous: bool

    @property
    def first_id(self) -> int | None:
        return self.examples[0].pk if self.examples else None

    @property
    def last_id(self) -> int | None:
        return self.examples[-1].pk if self.examples else None


def examples_page(
    dataset: Dataset,
    *,
    condition: Q | None = None,
    search: str = "",
    after: int | None = None,
    before: int | None = None,
    per_page: int = PER_PAGE,
) -> ExamplePage:
    """One page of examples, the highest score first, by keyset on (score, id).

    The cursor is an example id (never a score in the URL); each page is one range scan on the
    (dataset, score) index, however deep into a million rows it is.
    """
    if search:
        examples = matching(
            Example.objects.all(), dataset.pk, dataset.display_columns, search[:MAX_SEARCH]
        )
    else:
        examples = Example.objects.filter(dataset=dataset)
    if condition is not None:
        examples = examples.filter(condition)
    anchor_id = after or before
    anchor = None
    if anchor_id:
        anchor = (
            Example.objects.filter(dataset=dataset, pk=anchor_id).values_list("score", "pk").first()
        )
    if anchor and after:
        score, pk = anchor
        rows = list(
            examples.filter(score__lte=score)
            .filter(Q(score__lt=score) | Q(score=score, pk__lt=pk))
            .order_by("-score", "-pk")[: per_page + 1]
        )
        return ExamplePage(rows[:per_page], len(rows) > per_page, True)
    if anchor and before:
        score, pk = anchor
        rows = list(
            examples.filter(score__gte=score)
            .filter(Q(score__gt=score) | Q(score=score, pk__gt=pk))
            .order_by("score", "pk")[: per_page + 1]
        )
        return ExamplePage(list(reversed(rows[:per_page])), True, len(rows) > per_page)
    rows = list(examples.order_by("-score", "-pk")[: per_page + 1])
    return ExamplePage(rows[:per_page], len(rows) > per_page, False)


def judgements(
    examples: list[Example],
    *,
    link: ShareLink | None = None,
    user: User | AnonymousUser | None = None,
) -> dict[int, Feedback]:
    """The viewer's own judgement of each example on the page: by link, or by signed-in user."""
    ids = [example.pk for example in examples]
    feedback = Feedback.objects.filter(example_id__in=ids)
    if user is not None and user.is_authenticated and link is None:
        feedback = feedback.filter(user=user)
    elif link is not None:
        feedback = feedback.filter(link=link, user__isnull=True)
    else:
        return {}
    return {item.example_id: item for item in feedback}


RECENT_FEEDBACK = 12


def recent_feedback(demo: Demo, limit: int = RECENT_FEEDBACK) -> list[Feedback]:
    """The latest judgements of the demo's examples, each with who gave it. One query."""
    return list(
        Feedback.objects.filter(dataset__demo=demo, dataset__ready=True)
        .select_related("example", "dataset", "user", "link")
        .order_by("-updated_at", "-pk")[:limit]
    )


# Comparing two datasets -----------------------------------------------------------------------


@dataclass
class Comparison:
    before: Dataset
    after: Dataset
    before_labels: list[str]
    after_labels: list[str]
    matrix: list[list[int]]  # [before label][after label]
    only_before: int
    only_after: int

    @property
    def shared(self) -> int:
        return sum(sum(row) for row in self.matrix)

    @property
    def unchanged(self) -> int:
        return sum(
            self.matrix[i][j]
            for i, name in enumerate(self.before_labels)
            for j, other in enumerate(self.after_labels)
            if name == other
        )

    @property
    def changed(self) -> int:
        return self.shared - self.unchanged

    @property
    def before_totals(self) -> list[int]:
        return [sum(row) for row in self.matrix]

    @property
    def after_totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.matrix, strict=True)] or [
            0 for _ in self.after_labels
        ]

    @property
    def moves(self) -> list[tuple[str, str, int]]:
        """Label changes, the most frequent first: (from, to, how many)."""
        moves = [
            (name, other, self.matrix[i][j])
            for i, name in enumerate(self.before_labels)
            for j, other in enumerate(self.after_labels)
            if name != other and self.matrix[i][j]
        ]
        return sorted(moves, key=lambda move: -move[2])


class NotComparable(ValueError):
    pass


def _paired(before: Dataset, after: Dataset) -> QuerySet:
    """Examples of `before` that `after` also has, with the other version's score and class."""
    other = Example.objects.filter(dataset=after, external_id=OuterRef("external_id"))
    return (
        Example.objects.filter(dataset=before)
        .annotate(
            after_score=Subquery(other.values("score")[:1]),
            after_class=Subquery(other.values("top_class")[:1]),
        )
        .filter(after_score__isnull=False)
    )


def _label_names(dataset: Dataset) -> list[str]:
    if dataset.is_multiclass:
        return list(dataset.classes)
    return [band.label for band in dataset_bands(dataset)]


def _check_comparable(before: Dataset, after: Dataset) -> None:
    if before.is_multiclass != after.is_multiclass:
        raise NotComparable(
            "One version sorts examples into classes and the other gives a score; "
            "only versions of the same kind can be compared."
        )


def compare(before: Dataset, after: Dataset) -> Comparison:
    """Counts per label before and after, on the ids both versions share (cached)."""
    _check_comparable(before, after)
    key = (
        f"demos:compare:{_dataset_key(before)}:{_dataset_key(after)}:"
        f"{_bands_key(dataset_bands(before))}:{_bands_key(dataset_bands(after))}"
    )
    cached = cache.get(key)
    before_labels, after_labels = _label_names(before), _label_names(after)
    if cached is None:
        paired = _paired(before, after).order_by()
        if before.is_multiclass:
            index_b = {name: i for i, name in enumerate(before_labels)}
            index_a = {name: i for i, name in enumerate(after_labels)}
            rows = paired.values("top_class", "after_class").annotate(n=Count("id"))
            cells = [
                (index_b.get(r["top_class"]), index_a.get(r["after_class"]), r["n"]) for r in rows
            ]
        else:
            rows = (
                paired.annotate(
                    band_before=band_expression(dataset_bands(before)),
                    band_after=band_expression(dataset_bands(after), field="after_score"),
                )
                .values("band_before", "band_after")
                .annotate(n=Count("id"))
            )
            cells = [(r["band_before"], r["band_after"], r["n"]) for r in rows]
        matrix = [[0] * len(after_labels) for _ in before_labels]
        for i, j, n in cells:
            if i is not None and j is not None:
                matrix[i][j] += n
        cached = matrix
        cache.set(key, cached, CACHE_SECONDS)
    matrix = cached
    shared = sum(sum(row) for row in matrix)
    return Comparison(
        before,
        after,
        before_labels,
        after_labels,
        matrix,
        only_before=before.row_count - shared,
        only_after=after.row_count - shared,
    )


def changed_examples(before: Dataset, after: Dataset, *, offset: int, limit: int) -> list[Example]:
    """Shared examples whose label differs between the versions, in file order."""
    paired = _paired(before, after)
    if before.is_multiclass:
        paired = paired.exclude(top_class=F("after_class"))
    else:
        # Labels are compared by name: the two versions may be shown with different scales.
        names_before = [band.label for band in dataset_bands(before)]
        names_after = [band.label for band in dataset_bands(after)]
        paired = paired.annotate(
            band_before=band_expression(dataset_bands(before)),
            band_after=band_expression(dataset_bands(after), field="after_score"),
        )
        same = Q()
        for i, name in enumerate(names_before):
            if name in names_after:
                same |= Q(band_before=i, band_after=names_after.index(name))
        paired = paired.exclude(same) if same else paired
    return list(paired.order_by("row", "pk")[offset : offset + limit])


def demo_kind_words(kind: str) -> str:
    """One sentence for people who have never seen a probability."""
    if kind == "classes":
        return (
            "The model puts each example in one of these groups, and says how sure it is: "
            "“Confident”, “Fairly sure” or “Unsure”."
        )
    if kind == ScaleKind.STARS:
        return (
            "The model rates how well each example fits, from one star (poor) to five (excellent)."
        )
    if kind == ScaleKind.TRAFFIC_LIGHT:
        return "The model gives each example a traffic light: green, amber or red."
    return (
        "The model sorts each example into one of these groups, "
        "from the most likely to fit to the least."
    )
