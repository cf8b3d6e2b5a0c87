"""The API's request and response bodies. Inputs reject unknown fields, so a typo in a field
name is an error that names the field rather than a silently ignored value."""

import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from lifecycle.forms import TEXT_MAX_CHARS
from lifecycle.models import Charter


def _whole_float_as_int(value: Any) -> Any:
    # JSON Schema counts 27.0 as an integer, and so does the API; strict otherwise: no "27",
    # no true.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(_whole_float_as_int)
# A JSON number, never a string like "3.5" or "NaN", and finite.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
# Spelled out for the OpenAPI schema; tests/api check they match the models' choices.
OutcomeName = Literal["planned", "supported", "refuted", "inconclusive", "abandoned"]
SourceName = Literal["experiment", "production"]


# The OpenAPI schema states each rule the validators below hold, so that a request the schema
# calls valid is one the API accepts (tests/api/test_fuzz.py holds the two together). Patterns
# are written for Python's `re` and for ECMA/Rust regexes alike.
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store NUL; the JSON parser refuses it (errors.py)
# Some character that str.strip() keeps: \s, plus the separators Python also strips.
NOT_BLANK = r"^[^\x00]*[^\s\x1c-\x1f\x00][^\x00]*$"
HTTP_URL = r"^https?://[^\x00]*$"
# parse_week strips what str.strip() does: \s and \x1c-\x1f.
ISO_WEEK = r"^[\s\x1c-\x1f]*[1-9][0-9]{3}-W(0[1-9]|[1-4][0-9]|5[0-3])[\s\x1c-\x1f]*$"
# 1900-01-01 to 2200-12-31, as written (the offset never moves a year out of range).
PLAUSIBLE_YEAR = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-"


def _http_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("a link must be a full URL starting with https:// or http://")
    return value


Link = Annotated[
    str, Field(max_length=500, json_schema_extra={"pattern": HTTP_URL}), AfterValidator(_http_url)
]


def _plausible_time(value: datetime.datetime) -> datetime.datetime:
    # Years outside this range overflow when converted to UTC for storage, and no reading is
    # from then; the year is taken as written, as PLAUSIBLE_YEAR states it.
    if not 1900 <= value.year <= 2200:
        raise ValueError("give a time between the years 1900 and 2200")
    return value


ReadingTime = Annotated[
    datetime.datetime,
    Field(json_schema_extra={"pattern": PLAUSIBLE_YEAR}),
    AfterValidator(_plausible_time),
]


def _strings_without_nul(schema: Any) -> None:
    """Give every string in a property's schema (however nested) the NO_NUL pattern, unless it
    has a pattern of its own (each of those excludes NUL too)."""
    if isinstance(schema, list):
        for item in schema:
            _strings_without_nul(item)
    elif isinstance(schema, dict):
        if schema.get("type") == "string" and "pattern" not in schema:
            schema["pattern"] = NO_NUL
        for key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties"):
            _strings_without_nul(schema.get(key))


def _declare_no_nul(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        _strings_without_nul(prop)


class Input(BaseModel):
    """A request body. Plain pydantic, not ninja's Schema: its ORM-reading wrapper is not needed
    for JSON and costs a third of the time of validating a 1,000-reading batch."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_declare_no_nul)


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(examples=[["form", "model_version"]])
    msg: str
    type: str


class FieldErrorsOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list, description="Each field at fault.")


# What any operation may answer: a malformed request, no or a bad token, a role that may not,
# an object that is not there (or not yours), parameters or a body that fail validation, and
# too many bad tokens from the caller's address (api/throttle.py)...
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: FieldErrorsOut,
    429: ErrorOut,
}
# ...and what an operation that reads a body adds: too large, or not JSON.
BODY_ERRORS: dict[int, type[Schema]] = {**ERRORS, 413: ErrorOut, 415: ErrorOut}


class ConflictOut(Schema):
    detail: str
    current_version: int


# Projects --------------------------------------------------------------------------------


class TeamOut(Schema):
    slug: str
    name: str


class ProjectSummaryOut(Schema):
    slug: str
    name: str
    team: TeamOut
    stage: str
    status: str
    likelihood: int | None = Field(description="The latest week's likelihood of success, 0–100.")
    last_log_at: datetime.datetime | None = Field(description="When an experiment was last added.")


class ProjectListOut(Schema):
    count: int = Field(description="Projects visible to you in all; page with limit and offset.")
    limit: int
    offset: int
    items: list[ProjectSummaryOut]


class LikelihoodOut(Schema):
    value: int
    reason: str
    week: str = Field(examples=["2026-W47"])


class LatestReadingOut(Schema):
    value: float
    at: datetime.datetime


class CriterionOut(Schema):
    name: str
    kind: str
    metric: str
    unit: str
    baseline: float | None
    target: float
    direction: str
    latest: LatestReadingOut | None


class CharterOut(Schema):
    version: int = Field(description="Send it back with PATCH to change the charter.")
    problem: str
    audience: str
    value: str
    behaviour_change: str
    delivery: str
    constraints: str


class DemoSummaryOut(Schema):
    id: int = Field(description="Upload model outputs with POST /api/v1/demos/{id}/datasets.")
    title: str


class ProjectOut(Schema):
    slug: str
    name: str
    summary: str
    team: TeamOut
    stage: str
    status: str
    likelihood: LikelihoodOut | None
    last_log_at: datetime.datetime | None
    criteria: list[CriterionOut]
    charter: CharterOut
    demos: list[DemoSummaryOut] = Field(description="The project's demos, newest first.")


def _charter_patch_schema(schema: dict[str, Any]) -> None:
    _declare_no_nul(schema)
    # At least one field to change (the API says "Nothing to change" otherwise).
    schema["anyOf"] = [{"required": [name]} for name in Charter.TEXT_FIELDS]


class CharterPatchIn(Input):
    """Only the fields sent change. `version` is the charter version you read (or If-Match)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_charter_patch_schema)

    version: Annotated[int, Field(strict=True, ge=1, le=2**31 - 1), WHOLE] | None = None
    # str, not str | None: null is an error ("send an empty string to clear a field"); the
    # None default only marks a field not sent, which mypy cannot tell from a null.
    problem: str = Field(default=None, max_length=TEXT_MAX_CHARS)  # type: ignore[assignment]
    audience: str = Field(default=None, max_length=TEXT_MAX_CHARS)  # type: ignore[assignment]
    value: str = Field(default=None, max_length=TEXT_MAX_CHARS)  # type: ignore[assignment]
    behaviour_change: str = Field(default=None, max_length=TEXT_MAX_CHARS)  # type: ignore[assignment]
    delivery: str = Field(default=None, max_length=TEXT_MAX_CHARS)  # type: ignore[assignment]
    constraints: str = Field(default=None, max_length=TEXT_MAX_CHARS)  # type: ignore[assignment]

    def changed_fields(self) -> dict[str, str]:
        return {
            name: getattr(self, name)
            for name in Charter.TEXT_FIELDS
            if name in self.__pydantic_fields_set__
        }


# Experiment log --------------------------------------------------------------------------


class ReadingIn(Input):
    criterion: str = Field(min_length=1, max_length=120, description="The criterion's name.")
    value: Number
    at: ReadingTime | None = Field(
        default=None, description="With a time zone, e.g. 2026-11-20T14:00:00Z; default: now."
    )
    source: SourceName = "experiment"


class ReadingsIn(Input):
    readings: list[ReadingIn] = Field(description="At most 1000 per call.")


class ReadingsCreatedOut(Schema):
    created: int


class ReadingOut(Schema):
    criterion: str
    value: float
    at: datetime.datetime
    source: str


class ExperimentIn(Input):
    week: str | None = Field(
        default=None,
        examples=["2026-W47"],
        description="ISO week; default: this week.",
        json_schema_extra={"pattern": ISO_WEEK},
    )
    title: str = Field(min_length=1, max_length=200)
    hypothesis: str = Field(default="", max_length=TEXT_MAX_CHARS)
    what_was_done: str = Field(default="", max_length=TEXT_MAX_CHARS)
    result: str = Field(default="", max_length=TEXT_MAX_CHARS)
    outcome: OutcomeName = "planned"
    links: list[Link] = Field(default_factory=list, max_length=50)
    readings: list[ReadingIn] = Field(default_factory=list)
    likelihood: Annotated[int, Field(strict=True, ge=0, le=100), WHOLE] | None = None
    likelihood_reason: str = Field(default="", max_length=200)


class ExperimentOut(Schema):
    id: int
    week: str
    position: int
    title: str
    hypothesis: str
    what_was_done: str
    result: str
    outcome: str
    links: list[str]
    created_at: datetime.datetime
    readings: list[ReadingOut]


# Demos -----------------------------------------------------------------------------------

ScaleKindName = Literal["bands", "stars", "traffic_light"]
JobStatusName = Literal["queued", "running", "succeeded", "failed"]
DriftLevelName = Literal["stable", "moderate", "significant"]
JobLiveStateName = Literal["pending", "marked", "refused", "not_marked"]
ModelVersionName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    Field(json_schema_extra={"pattern": NOT_BLANK}),
]


class DemoIn(Input):
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=160),
        Field(json_schema_extra={"pattern": NOT_BLANK}),
    ]
    intro: str = Field(default="", max_length=10_000, description="Markdown, for the audience.")
    scale: ScaleKindName = Field(
        default="bands",
        description="How scores become labels: labelled bands, 1–5 stars or a traffic light. "
        "Thresholds can be tuned later on the demo page.",
    )


class BandOut(Schema):
    label: str
    colour: str
    description: str
    min: float = Field(description="The lowest score in this band (0–1).")


class ScaleOut(Schema):
    kind: str
    version: int
    bands: list[BandOut] = Field(description="From the highest threshold down.")


class DemoOut(Schema):
    id: int
    title: str
    intro: str
    scale: ScaleOut


class UploadAcceptedOut(Schema):
    job_id: int
    job_url: str = Field(description="Poll it (GET) until `status` is succeeded or failed.")


class ProblemOut(Schema):
    message: str
    column: str = Field(description="The column concerned, or empty.")
    rows: list[int] = Field(description="File line numbers (the first 10).")


class DatasetOut(Schema):
    id: int
    model_version: str
    rows: int


class DriftOut(Schema):
    psi: float = Field(
        description="Population stability index against the version serving the traffic: "
        "0 is the same spread of scores; under 0.1 stable, over 0.25 significant."
    )
    level: DriftLevelName
    words: str = Field(description="The level and what to do, in one sentence.")
    checked_at: datetime.datetime


class JobLiveOut(Schema):
    live_of: str = Field(description="The model version named in the upload's `live_of`.")
    state: JobLiveStateName = Field(
        description="pending: marked once the upload succeeds; marked: the dataset is live "
        "traffic now (see `drift`); refused: stored but not marked, `message` says why and "
        "what to do; not_marked: nothing was stored, or it was unmarked since."
    )
    message: str = Field(examples=["Marked as live traffic of v3 (drift: stable, PSI 0.040)."])
    drift: DriftOut | None = Field(description="Once marked.")


class JobOut(Schema):
    id: int
    status: JobStatusName
    progress: int = Field(ge=0, le=100)
    error: str = Field(description="A one-line summary when the job failed.")
    problems: list[ProblemOut] = Field(description="Everything wrong with the file, if it failed.")
    dataset: DatasetOut | None = Field(description="The stored outputs, once succeeded.")
    warnings: list[ProblemOut] = Field(
        description="For a job that succeeded, what to know anyway: e.g. live traffic that "
        "could not be marked."
    )
    live: JobLiveOut | None = Field(
        description="For an upload sent with `live_of`: whether its dataset is marked as live "
        "traffic of that version."
    )


class LiveIn(Input):
    live_of: ModelVersionName = Field(
        description="The model version (of the same demo) that serves this live traffic.",
        examples=["v3-distilbert"],
    )


class DatasetLiveOut(Schema):
    id: int
    model_version: str
    rows: int
    live_of: str | None = Field(description="The model version serving this live traffic.")
    drift: DriftOut | None = Field(description="Its drift from that version, while marked.")
