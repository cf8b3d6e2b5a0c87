"""Rating scales: how a score becomes a label people understand.

A scale is an ordered list of bands from the highest threshold down. A score belongs to the first
band whose `min` it reaches (so a score exactly on a threshold takes the higher band); the last
band starts at 0. Stars and traffic lights are bands with a fixed look.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

from .models import ScaleKind

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_BANDS = 7


class ScaleError(ValueError):
    """A scale that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Band:
    label: str
    colour: str
    description: str
    min: float


PRESETS: dict[str, list[Band]] = {
    ScaleKind.BANDS: [
        Band("Strong match", "#1f7a4d", "The model is quite sure this fits.", 0.8),
        Band("Possible", "#a15c00", "Worth a look; the model is unsure.", 0.5),
        Band("Unlikely", "#6b7686", "The model thinks this does not fit.", 0.0),
    ],
    ScaleKind.STARS: [
        Band("★★★★★", "#1f7a4d", "Excellent fit", 0.8),
        Band("★★★★", "#3f8f5f", "Good fit", 0.6),
        Band("★★★", "#a15c00", "Fair fit", 0.4),
        Band("★★", "#b4541a", "Weak fit", 0.2),
        Band("★", "#b42318", "Poor fit", 0.0),
    ],
    ScaleKind.TRAFFIC_LIGHT: [
        Band("Green", "#1f7a4d", "Safe to act on.", 0.7),
        Band("Amber", "#a15c00", "Check before acting.", 0.4),
        Band("Red", "#b42318", "Do not act on this alone.", 0.0),
    ],
}

# For multi-class outputs the label is the top class; the band says how sure the model is.
CONFIDENCE_WORDS = [
    Band("Confident", "#1f7a4d", "The model is quite sure of this class.", 0.8),
    Band("Fairly sure", "#a15c00", "Likely this class, but check.", 0.5),
    Band("Unsure", "#6b7686", "A guess; another class is nearly as likely.", 0.0),
]


def bands_from_json(raw: list[dict]) -> list[Band]:
    return [Band(**band) for band in raw]


def bands_to_json(bands: list[Band]) -> list[dict]:
    return [band.__dict__.copy() for band in bands]


def validate_bands(raw: list[dict]) -> list[Band]:
    """Check a scale's bands; every problem is reported in words a team member can act on."""
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_BANDS:
        raise ScaleError(f"A scale needs between 2 and {MAX_BANDS} bands.")
    bands = [_checked_band(item, f"Band {position}") for position, item in enumerate(raw, 1)]
    labels = [band.label.casefold() for band in bands]
    if len(set(labels)) != len(labels):
        raise ScaleError("Two bands have the same label; every band needs its own.")
    for higher, lower in zip(bands, bands[1:], strict=False):
        if lower.min >= higher.min:
            raise ScaleError(
                f"Thresholds must go down from the first band to the last: “{lower.label}” "
                f"starts at {lower.min:g}, not below “{higher.label}” ({higher.min:g})."
            )
    if bands[-1].min != 0:
        raise ScaleError(
            f"The last band (“{bands[-1].label}”) must start at 0 so every score fits."
        )
    return bands


def _checked_band(item, where: str) -> Band:
    if not isinstance(item, dict):
        raise ScaleError(f"{where}: expected label, colour, description and min.")
    label = str(item.get("label", "")).strip()
    colour = str(item.get("colour", "")).strip()
    if not label:
        raise ScaleError(f"{where}: give it a label people understand, e.g. “Possible”.")
    if len(label) > 40:
        raise ScaleError(f"{where}: keep the label under 40 characters.")
    if not COLOUR.match(colour):
        raise ScaleError(f"{where}: the colour must look like #1f7a4d.")
    try:
        minimum = float(item.get("min"))  # type: ignore[arg-type]  # None: TypeError, below
    except (TypeError, ValueError):
        raise ScaleError(f"{where}: the threshold must be a number from 0 to 1.") from None
    if not 0 <= minimum <= 1:
        raise ScaleError(f"{where}: the threshold must be from 0 to 1, not {minimum:g}.")
    return Band(label, colour, str(item.get("description", "")).strip()[:200], minimum)


def band_index(bands: list[Band], score: float) -> int:
    for index, band in enumerate(bands):
        if score >= band.min:
            return index
    return len(bands) - 1


def band_filter(bands: list[Band], index: int, field: str = "score") -> Q:
    """The examples in band `index`: a score range, served by the (dataset, score) index."""
    condition = Q(**{f"{field}__gte": bands[index].min}) if index < len(bands) - 1 else Q()
    if index > 0:
        condition &= Q(**{f"{field}__lt": bands[index - 1].min})
    return condition


def band_expression(bands: list[Band], field: str = "score") -> Case:
    """SQL for band_index, to group or annotate examples by band in the database."""
    whens = [
        When(**{f"{field}__gte": band.min}, then=Value(index))
        for index, band in enumerate(bands[:-1])
    ]
    return Case(*whens, default=Value(len(bands) - 1), output_field=IntegerField())
