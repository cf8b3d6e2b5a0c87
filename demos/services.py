"""Writes to demos: creating them and changing their rating scale."""

from django.db import transaction
from django.db.models import Max

from .models import Dataset, Demo, RatingScale, ScaleKind
from .scales import PRESETS, bands_to_json, validate_bands


@transaction.atomic
def demo_create(*, project, title: str, intro: str = "", kind: str = ScaleKind.BANDS, by) -> Demo:
    """A demo with the preset scale of `kind` as its first scale version."""
    demo = Demo.objects.create(project=project, title=title, intro=intro, created_by=by)
    demo.scale = RatingScale.objects.create(
        demo=demo, version=1, kind=kind, bands=bands_to_json(PRESETS[kind]), created_by=by
    )
    demo.save(update_fields=["scale"])
    return demo


@transaction.atomic
def scale_change(*, demo: Demo, kind: str, bands: list[dict], by) -> RatingScale:
    """Record a new scale version; the demo's single-score datasets are shown with it at once.

    Labels follow from scores at read time, so nothing is rewritten; each dataset records the
    scale it is shown with. Multi-class datasets keep their confidence words.
    """
    if kind not in ScaleKind.values:
        raise ValueError(f"Unknown scale kind {kind!r}.")
    checked = validate_bands(bands)
    demo = Demo.objects.select_for_update().get(pk=demo.pk)
    version = (demo.scales.aggregate(last=Max("version"))["last"] or 0) + 1
    scale = RatingScale.objects.create(
        demo=demo, version=version, kind=kind, bands=bands_to_json(checked), created_by=by
    )
    demo.scale = scale
    demo.save(update_fields=["scale"])
    Dataset.objects.filter(demo=demo, classes=[]).update(scale=scale)
    return scale
