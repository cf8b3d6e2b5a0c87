"""The weekly experiment log of a demo project, written through the experiment-log services.

Each project past ideation gets a timebox for most weeks from its move into data collection to its
end (or today): experiments drawn from the stage's ideas (devdata/data/ideas.json), filled in with
the project's own vocabulary, metric readings that follow the project's trends, production
readings once it is live, and a likelihood of success with a one-line reason. Deterministic for a
given project and day.
"""

import datetime
import random

from django.utils import timezone

from accounts.models import Role
from lifecycle.experiment_log import (
    MAX_READINGS_PER_CALL,
    ReadingInput,
    experiment_add,
    readings_add,
)
from lifecycle.models import CriterionKind, Direction, Outcome, ReadingSource, StageKind
from lifecycle.weeks import week_start
from plumbing.numbers import number

from .dates import moment
from .portfolio import IDEAS, TEAMS
from .specs import Anchors, DemoLog, DemoProject, IdeaTemplate

OUTCOME_WEIGHTS: dict[str, int] = {
    Outcome.SUPPORTED: 5,
    Outcome.REFUTED: 3,
    Outcome.INCONCLUSIVE: 2,
    Outcome.ABANDONED: 1,
}
# Prototyping is where the experiments are; data work and productionising take fewer, larger
# steps, and a live model gets its weekly health check.
EXPERIMENTS_PER_WEEK: dict[str, list[int]] = {
    StageKind.DATA_COLLECTION: [1, 1, 2],
    StageKind.PROTOTYPING: [1, 2, 2, 3, 2, 4, 1, 2],
    StageKind.TECH_TRANSFER: [1, 1, 2],
    StageKind.MONITORING: [1],
}
# Business criteria come from pilots and offline estimates: read every few weeks, not each week.
BUSINESS_READING_EVERY = 3


def _interpolate(anchors: Anchors, days_ago: float) -> float:
    """The value of a trend `days_ago`, linear between its anchors and flat beyond them."""
    if days_ago >= anchors[0][0]:
        return anchors[0][1]
    for (d0, v0), (d1, v1) in zip(anchors, anchors[1:], strict=False):
        if d0 >= days_ago >= d1:
            return v0 + (v1 - v0) * (d0 - days_ago) / ((d0 - d1) or 1)
    return anchors[-1][1]


def _covers(anchors: Anchors, days_ago: float) -> bool:
    return anchors[0][0] >= days_ago >= anchors[-1][0]


def _noise_scale(anchors: Anchors) -> float:
    values = [value for _, value in anchors]
    return 0.05 * (max(values) - min(values)) or 0.03 * abs(values[0]) or 0.01


def _rounded(value: float, anchors: Anchors) -> float:
    return round(value, 3 if max(abs(v) for _, v in anchors) < 2 else 1)


def _stage_on(spec: DemoProject, days_ago: int) -> str:
    """The stage the demo project was in `days_ago`, from its moves and its ending."""
    stage = StageKind.IDEATION
    for move in spec.moves:
        if move.days_ago >= days_ago:
            stage = move.to_stage
    if spec.ending and not spec.ending.stop_reason and spec.ending.days_ago >= days_ago:
        stage = StageKind.MONITORING
    return stage


class _LogWriter:
    """Writes one demo project's weekly log; deterministic for a given project and day."""

    def __init__(self, project, spec, log: DemoLog, users, today):
        self.project, self.spec, self.log, self.today = project, spec, log, today
        self.rng = random.Random(spec.slug)  # noqa: S311 - made-up numbers, not secrets
        self.criteria = {c.name: c for c in project.criteria.all()}
        team = next(t for t in TEAMS if t.slug == spec.team)
        self.authors = [users[n] for n, role in team.members.items() if role != Role.VIEWER]
        self.best: dict[str, float] = {}
        self.turn: dict[str, int] = {}  # where each stage's rotation of ideas stands
        self.done: set[str] = set()  # titles of the ideas used so far
        self.now = timezone.now()

    def write(self) -> None:
        first = self.spec.moves[0].days_ago
        ending = self.spec.ending
        last = ending.days_ago if ending and ending.stop_reason else 0
        missed = {week_start(self.today - datetime.timedelta(days=d)) for d in self.log.missed}
        monday = week_start(self.today - datetime.timedelta(days=first))
        end = week_start(self.today - datetime.timedelta(days=last))
        number_of_week = 0
        while monday <= end:
            if monday not in missed:
                self._week(monday, number_of_week)
            monday += datetime.timedelta(weeks=1)
            number_of_week += 1
        self._production_readings(last)

    def _days_ago(self, day: datetime.date) -> int:
        return (self.today - day).days

    def _week(self, monday: datetime.date, number_of_week: int) -> None:
        days = [monday + datetime.timedelta(days=n) for n in range(1, 5)]
        days = [day for day in days if day <= self.today] or [monday]
        # The log starts the week the project left ideation, which may begin a day or two early.
        stage = _stage_on(self.spec, self._days_ago(days[0])).replace(
            StageKind.IDEATION, StageKind.DATA_COLLECTION
        )
        count = self.rng.choice(EXPERIMENTS_PER_WEEK[stage])
        count = min(count, len(days))
        record_likelihood = self.rng.random() > 0.12 or self._anchor_reason(monday)
        improved: list[str] = []  # titles of experiments that set a new best this week
        used: list[IdeaTemplate] = []
        for index in range(count):
            day = days[index * len(days) // count]
            at = min(moment(day, self.rng.choice([10, 11, 14, 15, 16])), self.now)
            readings, outcome, texts, better = self._experiment(stage, day, number_of_week, used)
            if better:
                improved.append(texts["title"])
            likelihood, reason = None, ""
            if index == count - 1 and record_likelihood:
                likelihood, reason = self._likelihood(monday, day, improved, outcome, texts)
            experiment_add(
                project=self.project,
                week_start=monday,
                by=self.rng.choice(self.authors),
                outcome=outcome,
                readings=[ReadingInput(name, value, at) for name, value in readings],
                likelihood=likelihood,
                likelihood_reason=reason,
                at=at,
                **texts,
            )

    def _measured(self, day: datetime.date) -> dict[str, float]:
        """Criteria the team measures in experiments on `day`, with their trend value."""
        days_ago = self._days_ago(day)
        return {
            name: _interpolate(anchors, days_ago)
            for name, anchors in self.log.trends.items()
            if _covers(anchors, days_ago)
        }

    def _primary(self, measured: dict[str, float]) -> str | None:
        names = [n for n in self.criteria if n in measured]
        model = [n for n in names if self.criteria[n].kind == CriterionKind.MODEL]
        return (model or names or [None])[0]

    def _idea(self, stage: str, readable: bool, number_of_week: int, used) -> IdeaTemplate:
        """The next idea for the stage, in rotation, never twice in one week."""
        baseline = IDEAS.baseline
        if readable and baseline.title not in self.done and stage != StageKind.MONITORING:
            return baseline  # the first thing measured is the baseline, once
        if stage == StageKind.MONITORING:
            live = IDEAS.monitoring  # a health check, a monthly review, now and then a retrain
            if number_of_week % 4 == 0:
                return live.review
            return live.retrain if readable and number_of_week % 6 == 3 else live.health_check
        ideas = [idea for idea in IDEAS.for_stage(stage) if readable or not idea.reads]
        if not ideas:  # a week with nothing to measure: data work
            ideas = [idea for idea in IDEAS.data_collection if not idea.reads]
        for _ in ideas:
            turn = self.turn.get(stage, self.rng.randrange(len(ideas)))
            self.turn[stage] = turn + 1
            idea = ideas[turn % len(ideas)]
            if idea not in used:
                return idea
        return idea

    def _experiment(self, stage, day, number_of_week: int, used: list) -> tuple:
        measured = self._measured(day)
        primary = self._primary(measured)
        idea = self._idea(stage, primary is not None, number_of_week, used)
        first_of_week = not used
        used.append(idea)
        self.done.add(idea.title)
        weights = {o: OUTCOME_WEIGHTS[o] for o in idea.results}
        outcome: str = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        readings: list[tuple[str, float]] = []
        if idea.reads and primary and outcome != Outcome.ABANDONED:
            for name, trend in measured.items():
                business = self.criteria[name].kind == CriterionKind.BUSINESS
                if business and not (
                    first_of_week and number_of_week % BUSINESS_READING_EVERY == 0
                ):
                    continue
                readings.append((name, self._reading(name, trend, outcome)))
        values = dict(readings)
        improved = primary in values and (
            primary not in self.best
            or self._better(primary, self.best[primary], values[primary]) != self.best[primary]
        )
        # A "supported" that did not beat the best so far reads as noise, not as a gain.
        if outcome == Outcome.SUPPORTED and primary in values and not improved:
            fallback = [o for o in (Outcome.INCONCLUSIVE, Outcome.REFUTED) if o in idea.results]
            outcome = fallback[0] if fallback else outcome
        texts = self._texts(idea, outcome, primary, readings)
        for name, value in readings:
            self.best[name] = self._better(name, self.best.get(name, value), value)
        return readings, outcome, texts, improved and outcome == Outcome.SUPPORTED

    def _better(self, name: str, a: float, b: float) -> float:
        higher = self.criteria[name].direction == Direction.HIGHER
        return max(a, b) if higher else min(a, b)

    def _reading(self, name: str, trend: float, outcome: str) -> float:
        anchors = self.log.trends[name]
        scale = _noise_scale(anchors)
        worse = -1 if self.criteria[name].direction == Direction.HIGHER else 1
        if outcome == Outcome.SUPPORTED:
            value = trend + self.rng.gauss(0, scale / 3)
        elif outcome == Outcome.INCONCLUSIVE:
            value = trend + worse * abs(self.rng.gauss(0, scale * 0.7))
        else:
            value = trend + worse * (scale + abs(self.rng.gauss(0, scale)))
        return _rounded(value, anchors)

    def _texts(self, idea: IdeaTemplate, outcome: str, primary, readings) -> dict[str, str]:
        vocabulary = self.log.vocabulary
        turn = sum(self.turn.values())
        values = dict(readings)
        unit = self.criteria[primary].unit if primary else ""
        best = self.best.get(primary) if primary else None
        if best is None and primary:
            best = self.criteria[primary].baseline or values.get(primary)

        def pick(options: tuple[str, ...], step: int) -> str:
            return options[(turn * step) % len(options)]

        fields = {
            "model": vocabulary.model,
            "alternative": pick(vocabulary.alternatives, 1),
            "feature": pick(vocabulary.features, 1),
            "segment": pick(vocabulary.segments, 2),
            "source": pick(vocabulary.sources, 1),
            "stakeholders": vocabulary.stakeholders,
            "service": vocabulary.service,
            "baseline": vocabulary.baseline,
            "primary": primary or "",
            "value": f"{number(values.get(primary))} {unit}".strip(),
            "best": f"{number(best)} {unit}".strip(),
        }
        for name in ("alternative", "feature", "source"):
            fields[f"{name}_cap"] = fields[name][:1].upper() + fields[name][1:]
        return {
            "title": idea.title.format(**fields)[:200],
            "hypothesis": idea.hypothesis.format(**fields),
            "what_was_done": idea.what_was_done.format(**fields),
            "result": idea.results[outcome].format(**fields),  # type: ignore[index]  # outcome is one of the spec's names
        }

    def _anchor_reason(self, monday: datetime.date) -> str:
        for days_ago, reason in self.log.reasons.items():
            if week_start(self.today - datetime.timedelta(days=days_ago)) == monday:
                return reason
        return ""

    def _likelihood(self, monday, day, improved, outcome, texts) -> tuple[int, str]:
        days_ago = self._days_ago(day)
        value = _interpolate(self.log.likelihood, days_ago) + self.rng.uniform(-3, 3)
        value += 2 * len(improved) - (2 if outcome == Outcome.REFUTED else 0)
        likelihood = max(0, min(100, 5 * round(value / 5)))
        reason = self._anchor_reason(monday)
        if not reason:
            reason = self._reason(day, improved, outcome, texts)
        return likelihood, reason[:200]

    def _reason(self, day, improved, outcome, texts) -> str:
        days_ago = self._days_ago(day)
        live = [
            n for n in self.criteria if n in self.log.live and _covers(self.log.live[n], days_ago)
        ]
        if live and _stage_on(self.spec, days_ago) == StageKind.MONITORING:
            criterion = self.criteria[live[0]]
            value = _rounded(_interpolate(self.log.live[live[0]], days_ago), self.log.live[live[0]])
            return (
                f"Live: {criterion.name} {number(value)} {criterion.unit} "
                f"(target {number(criterion.target)} {criterion.unit})."
            ).replace(" )", ")")
        primary = self._primary(self._measured(day))
        if primary and primary in self.best:
            unit = self.criteria[primary].unit
            best = f"{number(self.best[primary])} {unit}".strip()
            if improved:
                return f"{improved[-1]}: best {primary} now {best}."
            return f"No gain this week; best {primary} still {best}."
        if outcome == Outcome.SUPPORTED:
            return f"On track: {texts['title'][:1].lower()}{texts['title'][1:]}, done."
        return f"Setback: {texts['result'].split('. ')[0].rstrip('.')}."

    def _production_readings(self, last: int) -> None:
        readings = []
        for name, anchors in self.log.live.items():
            scale = _noise_scale(anchors) * 0.6
            monday = week_start(self.today - datetime.timedelta(days=anchors[0][0]))
            while self._days_ago(monday) >= max(anchors[-1][0], last):
                at = moment(monday, 7)
                if at <= self.now:
                    value = _interpolate(anchors, self._days_ago(monday)) + self.rng.gauss(0, scale)
                    readings.append(
                        ReadingInput(name, _rounded(value, anchors), at, ReadingSource.PRODUCTION)
                    )
                monday += datetime.timedelta(weeks=1)
        for start in range(0, len(readings), MAX_READINGS_PER_CALL):
            readings_add(
                project=self.project,
                readings=readings[start : start + MAX_READINGS_PER_CALL],
                by=self.project.owner,
            )


def write_log(project, spec: DemoProject, log: DemoLog, users, today: datetime.date) -> None:
    """Write one demo project's weekly experiment log (its `log` in devdata/data/projects/)."""
    _LogWriter(project, spec, log, users, today).write()
