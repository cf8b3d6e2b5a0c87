"""Live traffic: a dataset of a demo marked as what a model version scores in production, and
its drift from that version, kept on the dataset row by the writes that change either side.

Monitoring reads the stored figure (`Dataset.drift_psi`, `drift_level`, `drift_checked_at`,
`drift_bins`); nothing computes it on a page view.
"""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Dataset, Demo
from ..selectors.drift import Drift, DriftError, psi

NAMES_LISTED = 10  # how many model versions a message names before summing up the rest


class LiveError(ValueError):
    """A live-traffic change that cannot be made; the message says what to choose instead."""


def reference_candidates(demo: Demo) -> QuerySet[Dataset]:
    """The versions of `demo` that live traffic can be compared with: ready, not live traffic
    themselves; newest first."""
    return demo.datasets.filter(ready=True, live_of__isnull=True).order_by("-created_at")


def _names_text(names: list[str]) -> str:
    """["v3", "v2", "v1"] → "“v3”, “v2” or “v1”"; the first ten, then how many more."""
    shown = [f"“{name}”" for name in names[:NAMES_LISTED]]
    if len(names) > NAMES_LISTED:
        return f"{', '.join(shown)} and {len(names) - NAMES_LISTED} more"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} or {shown[-1]}"


def reference_named(*, demo: Demo, model_version: str) -> Dataset:
    """The dataset of `demo` named `model_version`, as the version that serves live traffic.
    An unknown name raises LiveError naming the versions live traffic can be compared with.
    Whether the version may serve live traffic is checked by reference_check (or by
    dataset_mark_live, which checks it again)."""
    reference = demo.datasets.filter(model_version=model_version).first()
    if reference is not None:
        return reference
    names = list(reference_candidates(demo).values_list("model_version", flat=True))
    if not names:
        raise LiveError(
            f"This demo has no model version “{model_version}”, nor any other that live traffic "
            "can be compared with yet. Upload the model version that serves this traffic first."
        )
    raise LiveError(
        f"This demo has no model version “{model_version}”. Live traffic can be compared with "
        f"{_names_text(names)}; name one of them."
    )


def reference_check(*, reference: Dataset, multiclass: bool) -> None:
    """Whether `reference` may serve live traffic (multi-class or not, as `multiclass` says):
    it is ready, not live traffic itself, and of the same kind. LiveError says why not."""
    if not reference.ready:
        raise LiveError(
            f"“{reference.model_version}” is still being uploaded; choose it once it is ready."
        )
    if reference.live_of_id is not None:
        raise LiveError(
            f"“{reference.model_version}” is live traffic itself; choose the model version "
            "that serves it."
        )
    if reference.is_multiclass != multiclass:
        raise LiveError(
            "One sorts examples into classes and the other gives a score; live traffic is "
            "compared with a model version of the same kind."
        )


def _check(dataset: Dataset, reference: Dataset) -> None:
    if not dataset.ready:
        raise LiveError(
            f"“{dataset.model_version}” is still being uploaded; mark it as live traffic once "
            "it is ready."
        )
    if reference.demo_id != dataset.demo_id:
        raise LiveError(
            "Live traffic is compared with a model version of the same demo; choose one of "
            "this demo's versions."
        )
    if reference.pk == dataset.pk:
        raise LiveError(
            f"“{dataset.model_version}” cannot be compared with itself; choose the model "
            "version that serves this traffic."
        )
    reference_check(reference=reference, multiclass=dataset.is_multiclass)
    if dataset.live_datasets.exists():
        raise LiveError(
            f"Live traffic is compared with “{dataset.model_version}”; it cannot be live "
            "traffic itself. Unmark that live traffic first."
        )


DRIFT_FIELDS = ["drift_psi", "drift_level", "drift_bins", "drift_checked_at"]


def _measured(reference: Dataset, live: Dataset) -> Drift:
    try:
        return psi(reference, live)
    except DriftError as error:
        raise LiveError(str(error)) from None


def _keep(dataset: Dataset, drift: Drift, at: datetime.datetime | None) -> None:
    dataset.drift_psi = drift.value
    dataset.drift_level = drift.level
    dataset.drift_bins = [list(band) for band in drift.bins]
    dataset.drift_checked_at = at or timezone.now()


def dataset_mark_live(
    *, dataset: Dataset, reference: Dataset, at: datetime.datetime | None = None
) -> Dataset:
    """Mark `dataset` as live traffic served by `reference` (another ready, non-live version of
    the same demo) and store its drift from it. Bad choices raise LiveError and change nothing.

    The PSI is measured before the write transaction (on SQLite a write transaction holds the
    database's one write lock), and the choice checked again under the row's lock."""
    dataset, reference = Dataset.objects.get(pk=dataset.pk), Dataset.objects.get(pk=reference.pk)
    _check(dataset, reference)
    drift = _measured(reference, dataset)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        reference = Dataset.objects.get(pk=reference.pk)
        _check(dataset, reference)
        dataset.live_of = reference
        _keep(dataset, drift, at)
        dataset.save(update_fields=["live_of", *DRIFT_FIELDS])
    return dataset


def _clear(dataset: Dataset) -> None:
    dataset.drift_psi = None
    dataset.drift_level = ""
    dataset.drift_bins = []
    dataset.drift_checked_at = None


@transaction.atomic
def dataset_unmark_live(*, dataset: Dataset) -> Dataset:
    """`dataset` is no longer live traffic: its link to a version and its drift are cleared."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    dataset.live_of = None
    _clear(dataset)
    dataset.save(update_fields=["live_of", *DRIFT_FIELDS])
    return dataset


def dataset_drift_refresh(*, dataset: Dataset, at: datetime.datetime | None = None) -> Dataset:
    """Store the drift of a live dataset from the version it is served by (PSI, level, bins,
    when). A dataset that is not live, or whose side is not ready yet, gets the fields cleared.
    Reads only the (dataset, score) index: a few dozen queries however many rows."""
    dataset = Dataset.objects.select_related("live_of").get(pk=dataset.pk)
    reference = dataset.live_of
    if reference is None or not (dataset.ready and reference.ready):
        _clear(dataset)
    else:
        _keep(dataset, _measured(reference, dataset), at)
    # Only the figures, and only while the dataset is still live traffic of that version.
    Dataset.objects.filter(pk=dataset.pk, live_of=reference).update(
        **{name: getattr(dataset, name) for name in DRIFT_FIELDS}
    )
    return dataset


def reference_deleted(sender: type[Dataset], instance: Dataset, **kwargs: object) -> None:
    """A dataset is being deleted (pre_delete): live traffic it served is not live any more,
    and its drift from it goes (SET_NULL alone would leave a stale figure for monitoring)."""
    Dataset.objects.filter(live_of=instance).update(
        live_of=None, drift_psi=None, drift_level="", drift_bins=[], drift_checked_at=None
    )
