from functools import cached_property
from pathlib import Path
from typing import Any

from django import forms

from plumbing.text import BIDI_CONTROLS

from .models import Demo, ScaleKind, Verdict
from .scales import MAX_BANDS, PRESETS, Band, bands_from_json, bands_to_json
from .services import live
from .services.processing import Columns, max_upload_bytes

# What an upload may be: read_table reads CSV and JSON lines (a name without an extension is
# sniffed). Spreadsheets, archives and images are refused before anything is stored.
UPLOAD_EXTENSIONS = {"", ".csv", ".txt", ".json", ".jsonl", ".ndjson"}
BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive or an Excel workbook",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook",
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PAR1": "a Parquet file",
    b"\x1f\x8b": "a gzip archive",
}
NOT_A_TABLE = (
    "“{name}” looks like {what}, not model outputs. Upload a CSV (.csv, e.g. “CSV UTF-8” from "
    "Excel) or JSON lines (.jsonl), one example per row."
)


def size_text(size: int) -> str:
    """1234567 → "1.2 MB"; small sizes in KB or bytes."""
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB".replace(".0 MB", " MB")
    if size >= 1_000:
        return f"{size / 1e3:.1f} KB".replace(".0 KB", " KB")
    return f"{size} bytes"


def _names(text: str) -> list[str]:
    """ "title, text ,image_url" → ["title", "text", "image_url"], without repeats."""
    return list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))


# The introduction is Markdown, rendered on every view of the demo.
INTRO_MAX_CHARS = 10_000
# At most this many columns are shown on a card, or scored as classes: a file may have
# thousands of columns, but only the ones named are read.
MAX_SHOWN_COLUMNS = 50
MAX_CLASS_COLUMNS = 100


class DemoCreateForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label="How labels look",
        choices=ScaleKind.choices,
        initial=ScaleKind.BANDS,
        help_text="You can change the labels and their thresholds later.",
    )

    intro = forms.CharField(
        label="Introduction for the audience",
        required=False,
        max_length=INTRO_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown. What they are looking at and what you would like them to judge.",
    )

    class Meta:
        model = Demo
        fields = ["title", "intro"]
        labels = {"title": "Title"}
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": "Which support tickets are urgent?"}),
        }


class DemoEditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=160)
    intro = forms.CharField(
        label="Introduction for the audience",
        required=False,
        max_length=INTRO_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown. What they are looking at and what you would like them to judge.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:  # a hidden field: say it where the user reads
            self.add_error(None, "This form is out of date. Reload the page and edit again.")
        return data

    @classmethod
    def of(cls, demo) -> "DemoEditForm":
        return cls(initial={"title": demo.title, "intro": demo.intro, "version": demo.version})


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Model outputs", help_text="A CSV or JSON lines file, one example per row."
    )
    model_version = forms.CharField(
        max_length=80, help_text="A name for this model version, e.g. “v3-distilbert”."
    )
    id_column = forms.CharField(label="Id column", max_length=120, initial="id")
    score_column = forms.CharField(
        label="Score column",
        max_length=120,
        initial="score",
        required=False,
        help_text="A number from 0 to 1 per row.",
    )
    class_columns = forms.CharField(
        label="Or: one column per class",
        required=False,
        max_length=5_000,
        help_text="For a multi-class model, comma-separated, e.g. “billing, outage, other”.",
    )
    display_columns = forms.CharField(
        label="Columns to show",
        required=False,
        max_length=5_000,
        help_text="Comma-separated, e.g. “title, text”; at most 50, shown on each card.",
    )
    # A model version's name (the API sends it as text; the page offers a list of them);
    # cleaned_data["live_of"] is that version's Dataset, or None.
    live_of = forms.CharField(
        label="Live traffic of",
        max_length=80,
        required=False,
        widget=forms.Select,
        help_text="For scores from production only: choose the model version that produced "
        "them. The upload is then marked as that version's live traffic, and “Live traffic” on "
        "this page shows whether its scores have drifted. For a new model version, keep “None”.",
    )

    def __init__(self, *args, demo: Demo, **kwargs):
        super().__init__(*args, **kwargs)
        self.demo = demo
        # A callable: the versions are read when the list is shown, not for every form made.
        live_of = self.fields["live_of"].widget
        live_of.choices = lambda: self._live_choices
        live_of.attrs.pop("maxlength", None)  # (set by max_length; a list has no such attribute)

    @cached_property
    def _live_choices(self) -> list[tuple[str, str]]:
        names = live.reference_candidates(self.demo).values_list("model_version", flat=True)
        # Short: the whole text shows in the field on a phone (the help text says the rest).
        return [("", "None: a new model version")] + [(name, name) for name in names]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if uploaded.size > limit:
            raise forms.ValidationError(
                f"The file is {size_text(uploaded.size)}; the limit is {size_text(limit)}. "
                "Split it into several uploads or leave out columns you do not show.",
                code="too_large",
            )
        name = Path(uploaded.name).name
        suffix = Path(name).suffix.lower()
        head = uploaded.read(8)
        uploaded.seek(0)
        what = next((w for sig, w in BINARY_SIGNATURES.items() if head.startswith(sig)), None)
        if what is None and suffix not in UPLOAD_EXTENSIONS:
            what = f"a {suffix} file"
        if what:
            raise forms.ValidationError(NOT_A_TABLE.format(name=name, what=what), code="bad_type")
        return uploaded

    def clean_model_version(self) -> str:
        version = self.cleaned_data["model_version"].strip()
        if self.demo.datasets.filter(model_version=version).exists():
            raise forms.ValidationError(
                f"This demo already has outputs of “{version}”; give this upload a new name.",
                code="duplicate",
            )
        return version

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what clean() returns, typed
        classes = data["class_columns"] = _names(data.get("class_columns", ""))
        data["display_columns"] = _names(data.get("display_columns", ""))
        # (add_error removes the field from cleaned_data: decide from the local names.)
        if len(classes) == 1:
            self.add_error("class_columns", "A multi-class model needs two class columns or more.")
        if len(classes) > MAX_CLASS_COLUMNS:
            self.add_error(
                "class_columns",
                f"At most {MAX_CLASS_COLUMNS} class columns ({len(classes)} named); keep the "
                "classes people judge and leave the rest out.",
            )
        if len(data["display_columns"]) > MAX_SHOWN_COLUMNS:
            self.add_error(
                "display_columns",
                f"At most {MAX_SHOWN_COLUMNS} columns are shown on a card "
                f"({len(data['display_columns'])} named); choose the ones people need to judge.",
            )
        if not classes and not (data.get("score_column") or "").strip():
            self.add_error("score_column", "Name the score column, or the class columns.")
        version, data["live_of"] = data.get("live_of"), None
        if version:
            try:
                reference = live.reference_named(demo=self.demo, model_version=version)
                live.reference_check(reference=reference, multiclass=bool(classes))
            except live.LiveError as error:
                self.add_error("live_of", str(error))
            else:
                data["live_of"] = reference
        return data

    def columns(self) -> Columns:
        """The column mapping of a valid form: class columns replace the score column."""
        data = self.cleaned_data
        return Columns(
            id=data["id_column"].strip(),
            score="" if data["class_columns"] else data["score_column"].strip(),
            classes=data["class_columns"],
            display=data["display_columns"],
        )


class ShareLinkForm(forms.Form):
    viewer_name = forms.CharField(
        label="For whom (optional)",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Head of support"}),
    )
    days = forms.IntegerField(label="Valid for (days)", min_value=1, max_value=365, initial=14)


CHOOSE_VERDICT = "Choose agree, disagree or not sure."


class FeedbackForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=Verdict.choices,
        error_messages={"required": CHOOSE_VERDICT, "invalid_choice": CHOOSE_VERDICT},
    )
    comment = forms.CharField(max_length=2000, required=False, strip=True)

    def clean_comment(self) -> str:
        comment: str = self.cleaned_data["comment"]
        if BIDI_CONTROLS.search(comment):
            raise forms.ValidationError(
                "Remove the text-direction control characters (such as U+202E): they make a "
                "comment read differently from how it is written.",
                code="bidi",
            )
        return comment


class AgreementReadingForm(forms.Form):
    criterion: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        queryset=None, label="Record as a reading of", empty_label=None
    )
    band = forms.ChoiceField(label="Agreement of", required=False)

    def __init__(self, *args, project, bands: list[Band], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = project.criteria.all()  # type: ignore[attr-defined]
        self.fields["band"].choices = [("", "All labels")] + [  # type: ignore[attr-defined]
            (str(index), band.label) for index, band in enumerate(bands)
        ]


# The scale editor: a variable number of band rows, read straight from the POST. -------------


def scale_rows_from_post(data) -> tuple[str, list[dict]]:
    """The kind and the band rows as typed: [{label, colour, description, min}] (unchecked)."""
    kind = data.get("kind", ScaleKind.BANDS)
    if kind not in ScaleKind.values:
        kind = ScaleKind.BANDS
    try:
        count = min(int(data.get("band_count", 0)), MAX_BANDS)
    except ValueError:
        count = 0
    rows = []
    for index in range(count):
        rows.append(
            {
                "label": data.get(f"band-{index}-label", ""),
                "colour": data.get(f"band-{index}-colour", "#6b7686"),
                "description": data.get(f"band-{index}-description", ""),
                # The last band always starts at 0, so every score has a label.
                "min": "0" if index == count - 1 else data.get(f"band-{index}-min", ""),
            }
        )
    return kind, rows


def preset_rows(kind: str) -> list[dict]:
    return bands_to_json(PRESETS.get(kind, PRESETS[ScaleKind.BANDS]))


def rows_of_scale(scale) -> list[dict]:
    return bands_to_json(bands_from_json(scale.bands))


def add_row(rows: list[dict]) -> list[dict]:
    """A new band above the last one, halfway between its neighbours' thresholds."""
    if len(rows) >= MAX_BANDS:
        return rows
    rows = [dict(row) for row in rows]
    try:
        above = float(rows[-2]["min"]) if len(rows) > 1 else 1.0
    except (TypeError, ValueError):
        above = 1.0
    middle = round(above / 2, 2)
    rows.insert(
        len(rows) - 1,
        {"label": "", "colour": "#6b7686", "description": "", "min": middle},
    )
    return rows


def remove_row(rows: list[dict], index: int) -> list[dict]:
    if len(rows) <= 2 or not 0 <= index < len(rows):
        return rows
    rows = [dict(row) for row in rows]
    del rows[index]
    rows[-1]["min"] = 0
    return rows
