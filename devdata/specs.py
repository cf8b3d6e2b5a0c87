"""The demo portfolio's data files (devdata/data/, described in its README.md), read into typed
specs and checked on load.

Every file is validated with pydantic. Anything wrong (a misspelt key, a stage or role that does
not exist, a person, team, criterion or output generator nobody defined) stops the load with a
DemoDataError that names the file and the field, e.g.

    devdata/data/projects/01-churn-prediction-for-subscription-customers.json:
      - moves.1.by: unknown person 'elli'; people.json has: manager, dana, eli, ...

Dates are days before the day the seed runs, so the demo never goes stale.
"""

import json
from pathlib import Path
from string import Formatter
from typing import Annotated, Any, Literal, TypeVar

from django.utils.text import slugify
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from accounts.models import Role
from demos.models import ScaleKind, Verdict
from lifecycle.models import (
    Audience,
    Charter,
    CriterionKind,
    Direction,
    RiskCategory,
    RiskStatus,
    StageKind,
    StopReason,
)

from .outputs import OUTPUTS

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent


class DemoDataError(ValueError):
    """A data file that cannot be read or does not hold a valid spec; the message names both."""


class Spec(BaseModel):
    # Unknown keys are errors (a misspelt optional key would otherwise be silently ignored);
    # choices are kept as their plain string values, as the services take them.
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


def _bullets(value: Any) -> Any:
    """A list of strings is a Markdown bullet list, one "- item" line each."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(f"- {item}" for item in value)
    return value


# Markdown text: a string, or a list of strings for a bullet list.
Text = Annotated[str, BeforeValidator(_bullets)]
DaysAgo = NonNegativeInt


def _known(kind: str, where: str):
    """A validator that the value is one of the `kind` names in the validation context (when
    the context has them: people.json itself is read without)."""

    def check(value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get(kind)
        if known is not None and value not in known:
            raise ValueError(f"unknown {kind[:-1]} {value!r}; {where} has: {', '.join(known)}")
        return value

    return AfterValidator(check)


Username = Annotated[str, _known("persons", "people.json")]
TeamSlug = Annotated[str, _known("teams", "people.json")]
OutputsName = Annotated[str, _known("generators", "devdata/outputs.py OUTPUTS")]


def _oldest_first(anchors: tuple) -> tuple:
    days = [day for day, _ in anchors]
    if days != sorted(days, reverse=True) or len(set(days)) != len(days):
        raise ValueError(f"list the points oldest first (days ago falling), not {days}")
    return anchors


# (days ago, value) points of a trend, oldest first; linear in between, flat beyond them.
Anchors = Annotated[
    tuple[tuple[DaysAgo, int | float], ...], Field(min_length=1), AfterValidator(_oldest_first)
]


# people.json ------------------------------------------------------------------------------------


class Person(Spec):
    username: str
    first_name: str
    last_name: str
    sees: str  # what they see when they log in, printed by seed_demo
    superuser: bool = False


class TeamSpec(Spec):
    name: str
    slug: str
    members: dict[Username, Role]


class People(Spec):
    password: str
    manager_group: str
    people: list[Person]
    teams: list[TeamSpec]

    @model_validator(mode="after")
    def _unique(self):
        for what, names in [
            ("username", [p.username for p in self.people]),
            ("team slug", [t.slug for t in self.teams]),
        ]:
            twice = sorted({name for name in names if names.count(name) > 1})
            if twice:
                raise ValueError(f"each {what} once: {', '.join(twice)} appear twice")
        usernames = [p.username for p in self.people]
        for team in self.teams:
            strangers = [name for name in team.members if name not in usernames]
            if strangers:
                raise ValueError(f"team {team.slug}: no person {', '.join(strangers)} in people")
        return self


# stage_plans.json ---------------------------------------------------------------------------------


class StagePlan(Spec):
    goals: Text
    expected_inputs: Text
    expected_outputs: Text
    exit_criteria: tuple[str, ...] = Field(min_length=1)


class StagePlans(Spec):
    """The plan every stage starts from, unless the project's own file says otherwise."""

    ideation: StagePlan
    data_collection: StagePlan
    prototyping: StagePlan
    tech_transfer: StagePlan
    monitoring: StagePlan

    def by_kind(self) -> dict[str, StagePlan]:
        return {kind: getattr(self, kind) for kind in StageKind.values}


# ideas.json -------------------------------------------------------------------------------------


# What an idea's texts may name: the project's vocabulary, and in results its primary metric.
PLACEHOLDERS = {
    "model",
    "alternative",
    "alternative_cap",
    "feature",
    "feature_cap",
    "segment",
    "source",
    "source_cap",
    "stakeholders",
    "service",
    "baseline",
    "primary",
    "value",
    "best",
}


class IdeaTemplate(Spec):
    """One kind of experiment. Texts name the project's vocabulary ({model}, {feature}, ...) and,
    in results, the primary metric: {primary}, its reading {value} and the best before it {best}.

    `results` holds a result text per outcome the experiment can have; `reads` says whether it
    records metric readings (it is only chosen in weeks where the project measures its metrics).
    """

    title: str
    hypothesis: str
    what_was_done: str
    results: dict[Literal["supported", "refuted", "inconclusive", "abandoned"], str] = Field(
        min_length=1
    )
    reads: bool = True

    @model_validator(mode="after")
    def _known_placeholders(self):
        texts = [self.title, self.hypothesis, self.what_was_done, *self.results.values()]
        used = {name for text in texts for _, name, _, _ in Formatter().parse(text) if name}
        unknown = sorted(used - PLACEHOLDERS)
        if unknown:
            raise ValueError(
                f"unknown placeholder {', '.join(unknown)}; use {', '.join(sorted(PLACEHOLDERS))}"
            )
        return self


class MonitoringIdeas(Spec):
    """A live model's week: a health check, now and then a retrain, a review every month."""

    health_check: IdeaTemplate
    retrain: IdeaTemplate
    review: IdeaTemplate


class Ideas(Spec):
    # The first thing each project measures, once: the baseline to beat.
    baseline: IdeaTemplate
    data_collection: list[IdeaTemplate] = Field(min_length=1)
    prototyping: list[IdeaTemplate] = Field(min_length=1)
    tech_transfer: list[IdeaTemplate] = Field(min_length=1)
    monitoring: MonitoringIdeas

    def for_stage(self, stage: str) -> list[IdeaTemplate]:
        """The ideas of a stage before monitoring, in the order the log rotates through them."""
        return getattr(self, stage)


# projects/NN-<slug>.json --------------------------------------------------------------------------


class CharterSpec(Spec):
    problem: Text
    audience: Text
    value: Text
    behaviour_change: Text
    delivery: Text
    constraints: Text


class Criterion(Spec):
    name: str
    kind: CriterionKind
    metric: str
    unit: str
    baseline: float | None
    target: float
    direction: Direction


class RiskSpec(Spec):
    title: str
    category: RiskCategory
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    mitigation: str
    owner: Username
    status: RiskStatus


class Move(Spec):
    days_ago: DaysAgo
    to_stage: StageKind
    by: Username
    reason: str


class Ending(Spec):
    """A ship decision, or a stop when `stop_reason` is set."""

    days_ago: DaysAgo
    by: Username
    note: str
    stop_reason: StopReason | None = None


class Revision(Spec):
    """A later edit of the charter or the stop rule, by someone other than the first author."""

    days_ago: DaysAgo
    by: Username
    document: Literal["charter", "stop_rule"]
    fields: dict[str, Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _fields_of_the_document(self):
        allowed = Charter.TEXT_FIELDS if self.document == "charter" else ["text"]
        unknown = sorted(set(self.fields) - set(allowed))
        if unknown:
            raise ValueError(
                f"{self.document} has no field {', '.join(unknown)}; it has {', '.join(allowed)}"
            )
        return self


class Vocabulary(Spec):
    """The words the log's idea templates are filled in with."""

    model: str
    alternatives: tuple[str, ...] = Field(min_length=1)
    features: tuple[str, ...] = Field(min_length=1)
    segments: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    stakeholders: str
    service: str
    baseline: str  # today's process, the thing to beat


class DemoLog(Spec):
    """The weekly experiment log, from the move out of ideation to the end (or today)."""

    vocabulary: Vocabulary
    likelihood: Anchors
    # Experiment readings per criterion name, while the team measures it; business criteria are
    # read every few weeks (pilots, offline estimates), model metrics with every experiment.
    trends: dict[str, Anchors] = {}
    # Production readings per criterion name, weekly, once the model is live.
    live: dict[str, Anchors] = {}
    # The likelihood's reason in the week of the given day (otherwise one is written from the
    # week's experiments).
    reasons: dict[DaysAgo, str] = {}
    # Days ago that fall in weeks the team did not log: the gaps on the log page.
    missed: tuple[DaysAgo, ...] = ()


class WatchSpec(Spec):
    """A success criterion watched in production (by name), read weekly."""

    criterion: str
    alert_threshold: float
    expected_every_hours: PositiveInt = 24 * 7
    tell: Audience = Audience.EDITORS


class MonitoringSpec(Spec):
    watches: tuple[WatchSpec, ...] = Field(min_length=1)
    model_version: str
    trained_days_ago: DaysAgo
    retrain_every_days: PositiveInt | None
    notes: str = ""


class DemoProject(Spec):
    name: str
    team: TeamSlug
    owner: Username
    summary: str
    created_days_ago: DaysAgo
    charter: CharterSpec
    stop_rule: str
    criteria: list[Criterion] = Field(min_length=1)
    risks: list[RiskSpec]
    # Planned weeks for ideation, data collection, prototyping and tech transfer.
    # Monitoring has no planned end: it lasts as long as the model is live.
    plan_weeks: tuple[PositiveInt, PositiveInt, PositiveInt, PositiveInt] = (3, 6, 10, 8)
    # Stage plans that differ from stage_plans.json, keyed by stage kind.
    stage_plans: dict[StageKind, StagePlan] = {}
    # How many exit criteria of the stage the project is in (or ended in) are ticked.
    current_done: NonNegativeInt = 1
    revisions: list[Revision] = []
    moves: list[Move] = []
    ending: Ending | None = None
    log: DemoLog | None = None
    monitoring: MonitoringSpec | None = None

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @model_validator(mode="after")
    def _story_holds_together(self):
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names):
            raise ValueError("each criterion name once per project")
        days = [self.created_days_ago] + [m.days_ago for m in self.moves]
        if self.ending:
            days.append(self.ending.days_ago)
        if days != sorted(days, reverse=True) or len(set(days)) != len(days):
            raise ValueError(
                f"created_days_ago, the moves' and the ending's days_ago fall in order: {days}"
            )
        if self.log and not self.moves:
            raise ValueError("log: a log starts with the first move out of ideation; add moves")
        if self.monitoring and not (self.ending and self.ending.stop_reason is None):
            raise ValueError("monitoring: only a project that ships is monitored")
        named = []
        if self.log:
            named += [("log.trends", n) for n in self.log.trends]
            named += [("log.live", n) for n in self.log.live]
        if self.monitoring:
            named += [("monitoring.watches", w.criterion) for w in self.monitoring.watches]
        for where, name in named:
            if name not in names:
                raise ValueError(f"{where}: no criterion {name!r}; the criteria: {names}")
        return self


# demos.json ---------------------------------------------------------------------------------------


class Version(Spec):
    """A model version's outputs, uploaded `days_ago`, made by a generator of devdata.outputs."""

    name: str
    days_ago: DaysAgo
    outputs: OutputsName


class Band(Spec):
    label: str
    colour: str
    description: str
    min: float


class LinkSpec(Spec):
    viewer_name: str
    views: NonNegativeInt


class DemoSpec(Spec):
    project: str  # slug
    by: Username  # the team member who makes it
    title: str
    intro: str
    kind: ScaleKind
    versions: list[Version] = Field(min_length=1)
    display: list[str]
    classes: list[str] = []
    file_format: Literal["csv", "jsonl"] = "csv"
    bands: list[Band] | None = None  # a tuned scale, saved after the first upload
    links: list[LinkSpec] = []
    reviewers: list[Username] = []  # signed-in stakeholders
    judged: PositiveInt = 40  # examples judged per link or reviewer
    comments: dict[Verdict, list[str]] = {}
    agree_by_band: list[float] = Field(default=[0.85, 0.55, 0.8], min_length=1)
    # Last week's production traffic, scored by the newest version and marked as its live
    # traffic, so the demo and the monitoring page show drift (stable or not).
    live: Version | None = None


class Demos(Spec):
    demos: list[DemoSpec]


# Reading the files ----------------------------------------------------------------------------


class Portfolio(Spec):
    people: People
    stage_plans: StagePlans
    ideas: Ideas
    projects: list[DemoProject]
    demos: list[DemoSpec]


def _where(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


SpecT = TypeVar("SpecT", bound=Spec)


def read(path: Path, model: type[SpecT], context: dict | None = None) -> SpecT:
    """The file at `path` as a `model`, or a DemoDataError naming the file and each bad field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DemoDataError(f"{_where(path)}: cannot be read as JSON: {error}") from None
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        problems = "\n".join(
            f"  - {'.'.join(str(part) for part in e['loc']) or '(the file)'}: {e['msg']}"
            for e in error.errors()
        )
        raise DemoDataError(f"{_where(path)}:\n{problems}") from None


def load(data: Path = DATA) -> Portfolio:
    """Every data file under `data`, checked, and checked against each other."""
    people = read(data / "people.json", People)
    context = {
        "persons": [p.username for p in people.people],
        "teams": [t.slug for t in people.teams],
        "generators": list(OUTPUTS),
    }
    projects = []
    for path in sorted((data / "projects").glob("*.json")):
        project = read(path, DemoProject, context)
        if path.stem.split("-", 1)[-1] != project.slug:
            raise DemoDataError(
                f"{_where(path)}: name the file NN-{project.slug}.json after the project "
                "(NN: the order the projects are seeded in)"
            )
        projects.append(project)
    slugs = [p.slug for p in projects]
    demos_path = data / "demos.json"
    demos = read(demos_path, Demos, context | {"projects": slugs}).demos
    for index, demo in enumerate(demos):
        if demo.project not in slugs:
            raise DemoDataError(
                f"{_where(demos_path)}:\n  - demos.{index}.project: no project {demo.project!r} "
                f"in {_where(data / 'projects')}"
            )
    return Portfolio(
        people=people,
        stage_plans=read(data / "stage_plans.json", StagePlans),
        ideas=read(data / "ideas.json", Ideas),
        projects=projects,
        demos=demos,
    )
