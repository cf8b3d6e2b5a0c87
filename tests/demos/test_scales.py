import pytest

from demos.models import Example
from demos.scales import (
    PRESETS,
    ScaleError,
    band_filter,
    band_index,
    bands_from_json,
    validate_bands,
)
from demos.selectors.examples import range_band_counts
from demos.services import scale_change

pytestmark = pytest.mark.django_db

THREE_BANDS = [
    {"label": "Strong match", "colour": "#1f7a4d", "description": "", "min": 0.8},
    {"label": "Possible", "colour": "#a15c00", "description": "", "min": 0.5},
    {"label": "Unlikely", "colour": "#6b7686", "description": "", "min": 0},
]


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (1.0, "Strong match"),
        (0.8, "Strong match"),  # on the threshold: the higher band
        (0.7999, "Possible"),
        (0.5, "Possible"),
        (0.4999, "Unlikely"),
        (0.0, "Unlikely"),
    ],
)
def test_scores_map_to_bands_at_the_edges(score, label):
    bands = validate_bands(THREE_BANDS)
    assert bands[band_index(bands, score)].label == label


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b[:1], "between 2 and 7 bands"),
        (lambda b: [b[0], b[1] | {"min": 0.9}, b[2]], "Thresholds must go down"),
        (lambda b: [b[0], b[1], b[2] | {"min": 0.1}], "must start at 0"),
        (lambda b: [b[0] | {"colour": "green"}, b[1], b[2]], "colour must look like"),
        (lambda b: [b[0] | {"label": " "}, b[1], b[2]], "give it a label"),
        (lambda b: [b[0], b[1] | {"label": "strong MATCH"}, b[2]], "same label"),
        (lambda b: [b[0] | {"min": "high"}, b[1], b[2]], "must be a number"),
        (lambda b: [b[0] | {"min": 1.5}, b[1], b[2]], "from 0 to 1"),
    ],
)
def test_bad_scales_are_refused_with_a_reason(change, message):
    with pytest.raises(ScaleError, match=message):
        validate_bands(change([dict(band) for band in THREE_BANDS]))


def test_presets_are_valid_scales():
    for bands in PRESETS.values():
        validate_bands([band.__dict__ for band in bands])


def test_a_new_scale_takes_effect_at_once_and_is_recorded(demo, owner):
    from demos.models import Dataset

    dataset = Dataset.objects.create(demo=demo, model_version="v1", ready=True, scale=demo.scale)
    for row, score in enumerate([0.9, 0.6, 0.3], start=2):
        Example.objects.create(dataset=dataset, row=row, external_id=f"t{row}", score=score)
    examples = dataset.examples.all()
    assert range_band_counts(dataset, bands_from_json(demo.scale.bands)) == [1, 1, 1]

    new = [dict(band) for band in THREE_BANDS]
    new[0]["min"], new[1]["min"] = 0.95, 0.25  # stricter at the top, looser in the middle
    scale = scale_change(demo=demo, kind="bands", bands=new, by=owner)

    assert scale.version == 2
    assert list(demo.scales.values_list("version", flat=True)) == [2, 1]
    dataset.refresh_from_db()
    assert dataset.scale == scale
    bands = bands_from_json(dataset.scale.bands)
    assert range_band_counts(dataset, bands) == [0, 3, 0]
    in_middle = examples.filter(band_filter(bands, 1)).values_list("external_id", flat=True)
    assert sorted(in_middle) == ["t2", "t3", "t4"]


def test_band_filters_match_band_index_at_the_edges(demo):
    from demos.models import Dataset

    dataset = Dataset.objects.create(demo=demo, model_version="v1", ready=True, scale=demo.scale)
    scores = [0.0, 0.4999, 0.5, 0.7999, 0.8, 1.0]
    for row, score in enumerate(scores, start=2):
        Example.objects.create(dataset=dataset, row=row, external_id=str(row), score=score)
    bands = validate_bands(THREE_BANDS)
    for index in range(len(bands)):
        in_band = dataset.examples.filter(band_filter(bands, index)).values_list("score", flat=True)
        assert sorted(in_band) == [s for s in scores if band_index(bands, s) == index]


@pytest.mark.parametrize(
    "mins",
    [
        (0.7, 0.4),  # one threshold counted from above, one from below
        (0.9, 0.6, 0.3),
        (0.5, 0.2),  # exactly 0.5: counted from above
        (0.95, 0.05),
    ],
)
def test_counts_by_index_ranges_match_labelling_every_example(demo, mins):
    from demos.models import Dataset
    from demos.scales import Band

    scores = [0.0, 0.05, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6, 0.7, 0.7, 0.9, 0.95, 1.0, 0.69999, 0.50001]
    dataset = Dataset.objects.create(
        demo=demo, model_version="v1", ready=True, scale=demo.scale, row_count=len(scores)
    )
    for row, score in enumerate(scores, start=2):
        Example.objects.create(dataset=dataset, row=row, external_id=f"t{row}", score=score)
    bands = [Band(f"b{i}", "#000000", "", m) for i, m in enumerate([*mins, 0.0])]
    labelled = [band_index(bands, score) for score in scores]
    expected = [labelled.count(index) for index in range(len(bands))]
    assert range_band_counts(dataset, bands) == expected
    assert sum(expected) == len(scores)
