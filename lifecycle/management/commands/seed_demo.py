"""Fill a development database with the demo portfolio, demo logins and, on request, a large
synthetic portfolio for benchmarks. Safe to run again: whatever exists is left alone.
"""

import datetime
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, Team, User
from demos.seed import seed_demos
from lifecycle import services
from lifecycle.demo_data import (
    DEFAULT_STAGE_PLANS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    IDEAS,
    LOGS,
    MANAGER_GROUP,
    MONITORING,
    PEOPLE,
    PROJECTS,
    TEAMS,
    Anchors,
    DemoLog,
    DemoProject,
    Ending,
    IdeaTemplate,
    Move,
    Revision,
    WatchSpec,
)
from lifecycle.experiment_log import (
    MAX_READINGS_PER_CALL,
    ReadingInput,
    experiment_add,
    readings_add,
)
from lifecycle.models import (
    Charter,
    CriterionKind,
    Direction,
    EventKind,
    ExitCriterion,
    Experiment,
    Outcome,
    Project,
    ProjectEvent,
    ProjectStatus,
    Reading,
    ReadingSource,
    Risk,
    RiskCategory,
    RiskStatus,
    Stage,
    StageKind,
    StageStatus,
    StopReason,
    StopRule,
    SuccessCriterion,
    Timebox,
    WatchedSeries,
)
from lifecycle.services import monitoring
from lifecycle.services.derived import refresh_all
from lifecycle.templatetags.waypoint import number
from lifecycle.weeks import week_start

__all__ = ["DEMO_LOGINS", "Command"]

SYNTHETIC_SLUG_PREFIX = "synthetic-project-"
SYNTHETIC_PLAN_WEEKS = (3, 6, 10, 8)
SYNTHETIC_STOP_RULE = "Stop if the model shows no lift over the current process by week 8."
SYNTHETIC_STOP_REASONS = list(StopReason)
SYNTHETIC_RISK_STATUSES = list(RiskStatus)
BATCH_SIZE = 500


class Command(BaseCommand):
    help = "Create demo logins and a realistic demo portfolio (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            metavar="N",
            help="Also create N synthetic projects for benchmarks.",
        )
        parser.add_argument(
            "--weeks",
            type=int,
            default=0,
            metavar="W",
            help="Give each synthetic project W weeks of experiment log (with --projects).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Seed only an empty database (what `make run` does), so demo projects you "
            "deleted do not come back; the logins are printed either way.",
        )

    def handle(self, *args, projects: int, weeks: int, once: bool, **options):
        if not getattr(settings, "DEV", False):
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs in "
                "development. Set WAYPOINT_DEV=1 to use it."
            )
        if projects < 0:
            raise CommandError("--projects takes a number of projects, 0 or more.")
        if weeks < 0 or (weeks and not projects):
            raise CommandError("--weeks takes a number of weeks, with --projects N.")
        if once and Project.objects.exists():
            self.stdout.write("The database already has projects: demo data left as it is.")
            self.print_logins()
            return
        today = timezone.localdate()

        users, new_users = seed_people()
        seed_manager_group(users["manager"])
        teams = seed_teams(users)
        new_projects = sum(seed_project(spec, users, teams, today) for spec in PROJECTS)

        self.stdout.write(f"Users: {new_users} created, {len(users) - new_users} already there.")
        self.stdout.write(
            f"Demo projects: {new_projects} created, {len(PROJECTS) - new_projects} already there."
        )
        new_demos, old_demos = seed_demos(users)
        self.stdout.write(f"Demos: {new_demos} created, {old_demos} already there.")
        if projects:
            created = seed_synthetic(projects, teams, users, today)
            self.stdout.write(
                f"Synthetic projects: {created} created, {projects - created} already there."
            )
        if weeks:
            started = time.monotonic()

            def report(done: int, total: int) -> None:
                elapsed = time.monotonic() - started
                self.stdout.write(
                    f"  logs of {done:,} / {total:,} projects written ({elapsed:.0f} s)"
                )

            logged, counts = seed_synthetic_logs(weeks, today, report)
            self.stdout.write(
                f"Synthetic logs: {logged} projects given {weeks} weeks each "
                f"({counts[Timebox]:,} timeboxes, {counts[Experiment]:,} experiments, "
                f"{counts[Reading]:,} readings) in {time.monotonic() - started:.1f} s; "
                "projects that had a log kept it."
            )
        # The synthetic portfolio is bulk-inserted past the services that keep derived data.
        started = time.monotonic()
        summarised = refresh_all()
        self.stdout.write(
            f"Board summaries and hourly rollups: {summarised:,} projects in "
            f"{time.monotonic() - started:.1f} s."
        )
        # The alerts a live portfolio would have by now, in the demo people's bells but not emailed.
        checked = monitoring.monitoring_run(email=False)
        self.stdout.write(
            f"Monitoring: {checked.projects} live projects checked, {checked.opened} alerts opened."
        )
        self.print_logins()

    def print_logins(self) -> None:
        width = max(len("username"), *(len(username) for username, _ in DEMO_LOGINS))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username'.ljust(width)}  what they see")
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username.ljust(width)}  {description}")


# People and teams


def seed_people() -> tuple[dict[str, User], int]:
    """The demo users by username, and how many of them were new."""
    existing = {
        u.username: u for u in User.objects.filter(username__in=[p.username for p in PEOPLE])
    }
    missing = [person for person in PEOPLE if person.username not in existing]
    # One hash shared by all new users: hashing once per user takes seconds.
    password = make_password(DEMO_PASSWORD) if missing else ""
    for person in missing:
        existing[person.username] = User.objects.create(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@example.com",
            password=password,
            is_staff=person.is_superuser,
            is_superuser=person.is_superuser,
        )
    return existing, len(missing)


def seed_manager_group(manager: User) -> None:
    group, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    permission = Permission.objects.get(
        content_type__app_label="accounts", codename="view_all_projects"
    )
    group.permissions.add(permission)
    manager.groups.add(group)


def seed_teams(users: dict[str, User]) -> dict[str, Team]:
    teams = {}
    for spec in TEAMS:
        team, _ = Team.objects.get_or_create(slug=spec.slug, defaults={"name": spec.name})
        for username, role in spec.members.items():
            Membership.objects.get_or_create(
                team=team, user=users[username], defaults={"role": role}
            )
        teams[spec.slug] = team
    return teams


# The demo portfolio, written through the services so history and the decision log fill up


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@contextmanager
def _on(day: datetime.date, hour: int) -> Iterator[datetime.datetime]:
    """Run services as if it were `day`: stage dates, revision times and `auto_now` fields
    all get that day, so the demo's timeline and history read as if they happened then.

    Field defaults bound to the real `timezone.now` (Project.created_at, ProjectEvent.at)
    are not affected; callers backdate those with an update.
    """
    moment = _moment(day, hour)
    with mock.patch.object(timezone, "now", return_value=moment):
        yield moment


def _days_ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def _planned_spans(
    start: datetime.date, durations: list[int]
) -> list[tuple[datetime.date, datetime.date | None]]:
    """Back-to-back planned spans of the given days for the first four stages, then monitoring,
    which has no planned end: it lasts as long as the model is live."""
    spans: list[tuple[datetime.date, datetime.date | None]] = []
    for days in durations:
        end = start + datetime.timedelta(days=days - 1)
        spans.append((start, end))
        start = end + datetime.timedelta(days=1)
    spans.append((start, None))
    return spans


@transaction.atomic
def seed_project(
    spec: DemoProject, users: dict[str, User], teams: dict[str, Team], today: datetime.date
) -> bool:
    """Create one demo project with its whole story; False if its slug exists already."""
    if Project.objects.filter(slug=spec.slug).exists():
        return False
    owner = users[spec.owner]
    created = _days_ago(today, spec.created_days_ago)
    with _on(created, hour=9) as moment:
        project = services.project_create(
            team=teams[spec.team], name=spec.name, summary=spec.summary, owner=owner, by=owner
        )
    Project.objects.filter(pk=project.pk).update(created_at=moment)
    project.events.update(at=moment)

    with _on(created, hour=11):
        _write_documents(project, spec, users)
        _plan_stages(project, spec, start=created, by=owner)
    for revision in spec.revisions:
        _revise(project, revision, users, today)
    for move in spec.moves:
        _move(project, move, users, today)
    if spec.ending:
        _end(project, spec.ending, users, today)
    _tick_current_stage(project, spec, today)
    if spec.slug in LOGS:
        _write_log(project, spec, LOGS[spec.slug], users, today)
    return True


def _write_documents(project: Project, spec: DemoProject, users: dict[str, User]) -> None:
    owner = users[spec.owner]
    charter = Charter.objects.get(project=project)
    services.document_save(
        instance=charter, fields=spec.charter, expected_version=charter.version, by=owner
    )
    stop_rule = StopRule.objects.get(project=project)
    services.document_save(
        instance=stop_rule,
        fields={"text": spec.stop_rule},
        expected_version=stop_rule.version,
        by=owner,
    )
    for criterion in spec.criteria:
        services.criterion_add(project=project, fields=criterion._asdict(), by=owner)
    for risk in spec.risks:
        fields = risk._asdict() | {"owner": users[risk.owner]}
        services.risk_add(project=project, fields=fields, by=owner)


def _plan_stages(project: Project, spec: DemoProject, start: datetime.date, by: User) -> None:
    spans = _planned_spans(start, [weeks * 7 for weeks in spec.plan_weeks])
    for stage in project.stages.all():
        plan = spec.stage_plans.get(stage.kind, DEFAULT_STAGE_PLANS[stage.kind])
        planned_start, planned_end = spans[stage.position]
        services.document_save(
            instance=stage,
            fields={
                "goals": plan.goals,
                "expected_inputs": plan.expected_inputs,
                "expected_outputs": plan.expected_outputs,
                "planned_start": planned_start,
                "planned_end": planned_end,
            },
            expected_version=stage.version,
            by=by,
        )
        for text in plan.exit_criteria:
            services.exit_criterion_add(stage=stage, text=text, by=by)


def _revise(
    project: Project, revision: Revision, users: dict[str, User], today: datetime.date
) -> None:
    model = {"charter": Charter, "stop_rule": StopRule}[revision.document]
    document = model.objects.get(project=project)
    with _on(_days_ago(today, revision.days_ago), hour=14):
        services.document_save(
            instance=document,
            fields=revision.fields,
            expected_version=document.version,
            by=users[revision.by],
        )


def _tick_all(stage: Stage, by: User) -> None:
    for item in stage.exit_criteria.filter(done=False):
        services.exit_criterion_set_done(item=item, done=True, by=by)


def _move(project: Project, move: Move, users: dict[str, User], today: datetime.date) -> None:
    project = Project.objects.get(pk=project.pk)
    by = users[move.by]
    forward = StageKind(move.to_stage).position > project.stage_kind.position
    with _on(_days_ago(today, move.days_ago), hour=16) as moment:
        if forward:
            _tick_all(project.stages.get(kind=project.stage), by)
        event = services.project_move_to_stage(
            project=project, to_stage=move.to_stage, by=by, reason=move.reason
        )
    ProjectEvent.objects.filter(pk=event.pk).update(at=moment)


def _end(project: Project, ending: Ending, users: dict[str, User], today: datetime.date) -> None:
    project = Project.objects.get(pk=project.pk)
    by = users[ending.by]
    with _on(_days_ago(today, ending.days_ago), hour=17) as moment:
        if ending.stop_reason:
            event = services.project_stop(
                project=project, by=by, stop_reason=ending.stop_reason, note=ending.note
            )
        else:
            if project.stage == StageKind.TECH_TRANSFER:
                _tick_all(project.stages.get(kind=project.stage), by)
            _watch(project, by, moment, today)
            event = services.project_ship(project=project, by=by, note=ending.note)
    ProjectEvent.objects.filter(pk=event.pk).update(at=moment)


def _watch(project: Project, by: User, moment: datetime.datetime, today: datetime.date) -> None:
    """A shipped project is watched: the series and plan of MONITORING, or else its first
    business criterion, read weekly, with an alert when it falls back to the baseline."""
    if WatchedSeries.objects.filter(project=project).exists():
        return
    criteria = {c.name: c for c in project.criteria.order_by("kind", "position", "id")}
    spec = MONITORING.get(project.slug)
    if spec is None:
        first = next(iter(criteria.values()), None)
        if first is None:
            return
        threshold = first.baseline if first.baseline is not None else first.target
        watches = [WatchSpec(first.name, threshold)]
    else:
        watches = list(spec.watches)
        monitoring.monitoring_plan_save(
            project=project,
            fields={
                "model_version": spec.model_version,
                "trained_on": _days_ago(today, spec.trained_days_ago),
                "retrain_every_days": spec.retrain_every_days,
                "notes": spec.notes,
            },
            expected_version=None,
            by=by,
        )
    for watch in watches:
        monitoring.watched_series_add(
            project=project,
            fields={
                "criterion": criteria[watch.criterion],
                "expected_every_hours": watch.expected_every_hours,
                "alert_threshold": watch.alert_threshold,
                "tell": watch.tell,
                "watched_since": moment,
            },
            by=by,
        )


def _tick_current_stage(project: Project, spec: DemoProject, today: datetime.date) -> None:
    """Tick the first exit criteria of the stage the project is in, halfway through it."""
    project = Project.objects.get(pk=project.pk)
    stage = project.stages.get(kind=project.stage)
    until = today
    if spec.ending and spec.ending.stop_reason:
        until = _days_ago(today, spec.ending.days_ago)
    halfway = stage.actual_start + (until - stage.actual_start) / 2
    items = list(stage.exit_criteria.filter(done=False)[: spec.current_done])
    with _on(halfway, hour=12):
        for item in items:
            services.exit_criterion_set_done(item=item, done=True, by=project.owner)


# The weekly experiment log of a demo project (lifecycle.demo_data.LOGS), through the services

OUTCOME_WEIGHTS = {
    Outcome.SUPPORTED: 5,
    Outcome.REFUTED: 3,
    Outcome.INCONCLUSIVE: 2,
    Outcome.ABANDONED: 1,
}
# Prototyping is where the experiments are; data work and productionising take fewer, larger
# steps, and a live model gets its weekly health check.
EXPERIMENTS_PER_WEEK = {
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
        self.moments: list[tuple[int, datetime.datetime]] = []
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
        # Experiment.created_at defaults to the real now; the log reads when it was written.
        Experiment.objects.bulk_update(
            [Experiment(pk=pk, created_at=moment) for pk, moment in self.moments],
            ["created_at"],
            batch_size=500,
        )
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
            moment = min(_moment(day, self.rng.choice([10, 11, 14, 15, 16])), self.now)
            readings, outcome, texts, better = self._experiment(stage, day, number_of_week, used)
            if better:
                improved.append(texts["title"])
            likelihood, reason = None, ""
            if index == count - 1 and record_likelihood:
                likelihood, reason = self._likelihood(monday, day, improved, outcome, texts)
            with mock.patch.object(timezone, "now", return_value=moment):
                experiment = experiment_add(
                    project=self.project,
                    week_start=monday,
                    by=self.rng.choice(self.authors),
                    outcome=outcome,
                    readings=[ReadingInput(name, value, moment) for name, value in readings],
                    likelihood=likelihood,
                    likelihood_reason=reason,
                    **texts,
                )
            self.moments.append((experiment.pk, moment))

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
        ideas = IDEAS[stage]
        baseline = IDEAS[StageKind.DATA_COLLECTION][5]
        if readable and baseline.title not in self.done and stage != StageKind.MONITORING:
            return baseline  # the first thing measured is the baseline, once
        if (
            stage == StageKind.MONITORING
        ):  # a health check, a monthly review, now and then a retrain
            health, retrain, review = ideas
            if number_of_week % 4 == 0:
                return review
            return retrain if readable and number_of_week % 6 == 3 else health
        ideas = [idea for idea in ideas if (readable or not idea.reads) and idea is not baseline]
        if not ideas:  # a week with nothing to measure: data work
            ideas = [idea for idea in IDEAS[StageKind.DATA_COLLECTION] if not idea.reads]
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
        outcome = self.rng.choices(list(weights), weights=list(weights.values()))[0]
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
            "result": idea.results[outcome].format(**fields),
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
                at = _moment(monday, 7)
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


def _write_log(project, spec: DemoProject, log: DemoLog, users, today: datetime.date) -> None:
    _LogWriter(project, spec, log, users, today).write()


# The synthetic portfolio: bulk inserts, because the services take seconds per hundred projects.
# Its rows get no revision history: that would double the insert time, and benchmarks read the
# board and project pages, not the history of made-up documents.


def seed_synthetic(
    count: int, teams: dict[str, Team], users: dict[str, User], today: datetime.date
) -> int:
    """Create synthetic projects 1..count that do not exist yet; return how many were new."""
    existing = set(
        Project.objects.filter(slug__startswith=SYNTHETIC_SLUG_PREFIX).values_list(
            "slug", flat=True
        )
    )
    numbers = [n for n in range(1, count + 1) if _synthetic_slug(n) not in existing]
    owners = [(teams[spec.slug], _team_owner(spec.members, users)) for spec in TEAMS]
    with transaction.atomic():
        projects = [_synthetic_project(n, *owners[n % len(owners)], today) for n in numbers]
        Project.objects.bulk_create(projects, batch_size=BATCH_SIZE)
        charters, stop_rules, criteria, risks, stages, events = [], [], [], [], [], []
        for n, project in zip(numbers, projects, strict=True):
            charters.append(_synthetic_charter(n, project))
            stop_rules.append(StopRule(project=project, text=SYNTHETIC_STOP_RULE))
            criteria.extend(_synthetic_criteria(n, project))
            risks.extend(_synthetic_risks(n, project))
            stages.extend(_synthetic_stages(n, project, today))
            events.extend(_synthetic_events(project, today))
        for model, objects in [
            (Charter, charters),
            (StopRule, stop_rules),
            (SuccessCriterion, criteria),
            (Risk, risks),
            (Stage, stages),
            (ProjectEvent, events),
        ]:
            model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        # Built after the stages are saved: the exit criteria need their ids.
        exit_criteria = [item for stage in stages for item in _synthetic_exit_criteria(stage)]
        ExitCriterion.objects.bulk_create(exit_criteria, batch_size=BATCH_SIZE)
    return len(numbers)


def _synthetic_slug(n: int) -> str:
    return f"{SYNTHETIC_SLUG_PREFIX}{n:04d}"


def _team_owner(members: dict[str, str], users: dict[str, User]) -> User:
    return next(users[name] for name, role in members.items() if role == Role.OWNER)


def _synthetic_status(n: int) -> tuple[str, int]:
    """Status and stage index of synthetic project n: 7 in 10 active, 1 shipped, 2 stopped.

    The status follows n % 10 and the stage n // 10, so every status meets every stage.
    """
    stage = (n // 10) % len(StageKind)
    if n % 10 < 7:
        return ProjectStatus.ACTIVE, stage
    if n % 10 == 7:
        return ProjectStatus.SHIPPED, StageKind.MONITORING.position
    return ProjectStatus.STOPPED, stage


def _synthetic_project(n: int, team: Team, owner: User, today: datetime.date) -> Project:
    status, stage = _synthetic_status(n)
    kind = StageKind.ordered()[stage]
    created = _days_ago(today, 60 + (n * 37) % 480)
    project = Project(
        team=team,
        name=f"Synthetic project {n:04d}",
        slug=_synthetic_slug(n),
        summary="Generated for benchmarks: a scoring model for a made-up team.",
        owner=owner,
        stage=kind,
        status=status,
        created_at=_moment(created, 9),
    )
    if status != ProjectStatus.ACTIVE:
        project.ended_at = _moment(_days_ago(today, 1 + n % 50), 17)
        project.ended_stage = kind
        project.end_note = f"Synthetic project {n:04d} ended ({status})."
    if status == ProjectStatus.STOPPED:
        reasons = SYNTHETIC_STOP_REASONS
        project.stop_reason = reasons[(n // 10) % len(reasons)]
    return project


def _synthetic_charter(n: int, project: Project) -> Charter:
    charter = Charter(
        project=project,
        problem=f"Team {project.team.name} handles its cases in arrival order; "
        f"synthetic project {n:04d} would rank them by how urgent they are.",
        audience="The team's case handlers and their lead.",
        value="- Urgent cases handled sooner\n- Less time spent on cases that can wait",
        behaviour_change="Handlers work the queue in score order instead of arrival order.",
        delivery="A nightly batch job writes a score per case to the case system.",
        constraints="- Scores ready by 06:00\n- No personal data beyond the case itself",
    )
    return charter


def _synthetic_criteria(n: int, project: Project) -> list[SuccessCriterion]:
    baseline = 40 + n % 30
    rows = [
        SuccessCriterion(
            name="Urgent cases handled within a day",
            kind=CriterionKind.BUSINESS,
            metric="Share of urgent cases closed within 24 hours",
            unit="%",
            baseline=baseline,
            target=baseline + 15,
            direction=Direction.HIGHER,
        ),
        SuccessCriterion(
            name="ROC AUC",
            kind=CriterionKind.MODEL,
            metric="ROC AUC on the frozen test split",
            unit="AUC",
            baseline=0.6 + (n % 10) / 100,
            target=0.8,
            direction=Direction.HIGHER,
        ),
        SuccessCriterion(
            name="Scoring time p95",
            kind=CriterionKind.MODEL,
            metric="95th percentile of scoring time per case",
            unit="ms",
            baseline=None,
            target=50,
            direction=Direction.LOWER,
        ),
    ]
    for position, row in enumerate(rows, start=1):
        row.project, row.position = project, position
    return rows


def _synthetic_risks(n: int, project: Project) -> list[Risk]:
    statuses = SYNTHETIC_RISK_STATUSES
    rows = [
        Risk(
            title="Live data drifts away from the training data",
            category=RiskCategory.DATA,
            likelihood=1 + n % 5,
            impact=1 + (n // 5) % 5,
            mitigation="Compare feature distributions every week.",
            status=statuses[n % len(statuses)],
        ),
        Risk(
            title="Integration with the case system slips",
            category=RiskCategory.TECHNICAL,
            likelihood=1 + (n // 2) % 5,
            impact=1 + (n // 3) % 5,
            mitigation="Agree the interface with the case-system team early.",
            status=statuses[(n + 1) % len(statuses)],
        ),
        Risk(
            title="Handlers keep working in arrival order",
            category=RiskCategory.ADOPTION,
            likelihood=1 + (n // 7) % 5,
            impact=1 + (n // 11) % 5,
            mitigation="Demo to the handlers every other week.",
            status=statuses[(n + 2) % len(statuses)],
        ),
    ]
    for row in rows:
        row.project, row.owner = project, project.owner
    return rows


def _synthetic_actual_starts(project: Project, stage: int, today: datetime.date):
    """Start days of the stages reached so far, spread evenly up to today or the end."""
    first = timezone.localdate(project.created_at)
    until = timezone.localdate(project.ended_at) if project.ended_at else today
    span = (until - first).days
    return [first + datetime.timedelta(days=span * j // (stage + 1)) for j in range(stage + 1)]


def _synthetic_planned_spans(n: int, project: Project, today: datetime.date):
    """The default plan, stretched or squeezed so the current stage is due in the next weeks,
    or, for one project in three, already overdue."""
    created = timezone.localdate(project.created_at)
    current = min(project.stage_kind.position, len(SYNTHETIC_PLAN_WEEKS) - 1)
    if n % 3 == 0:
        due = today - datetime.timedelta(days=1 + n % 45)
    else:
        due = today + datetime.timedelta(days=7 + n % 60)
    durations = [weeks * 7 for weeks in SYNTHETIC_PLAN_WEEKS]
    ratio = (due - created).days / sum(durations[: current + 1])
    for i in range(current):
        durations[i] = max(1, round(durations[i] * ratio))
    durations[current] = max(1, (due - created).days + 1 - sum(durations[:current]))
    return _planned_spans(created, durations)


def _synthetic_stages(n: int, project: Project, today: datetime.date) -> list[Stage]:
    current = project.stage_kind.position
    starts = _synthetic_actual_starts(project, current, today)
    spans = _synthetic_planned_spans(n, project, today)
    rows = []
    for position, kind in enumerate(StageKind):
        plan = DEFAULT_STAGE_PLANS[kind]
        stage = Stage(
            project=project,
            kind=kind,
            position=position,
            goals=plan.goals,
            expected_inputs=plan.expected_inputs,
            expected_outputs=plan.expected_outputs,
            planned_start=spans[position][0],
            planned_end=spans[position][1],
        )
        if position < current:
            stage.status = StageStatus.DONE
            stage.actual_start, stage.actual_end = starts[position], starts[position + 1]
        elif position == current:
            stage.status, stage.actual_start = StageStatus.IN_PROGRESS, starts[position]
        rows.append(stage)
    return rows


def _synthetic_exit_criteria(stage: Stage) -> list[ExitCriterion]:
    texts = DEFAULT_STAGE_PLANS[stage.kind].exit_criteria[:2]
    done = stage.status == StageStatus.DONE
    return [
        ExitCriterion(stage=stage, text=text, position=position, done=done)
        for position, text in enumerate(texts, start=1)
    ]


def _synthetic_events(project: Project, today: datetime.date) -> list[ProjectEvent]:
    owner, current = project.owner, project.stage_kind.position
    events = [
        ProjectEvent(
            project=project,
            kind=EventKind.CREATED,
            actor=owner,
            reason=project.summary,
            at=project.created_at,
        )
    ]
    if current > 0:
        entered = _synthetic_actual_starts(project, current, today)[-1]
        events.append(
            ProjectEvent(
                project=project,
                kind=EventKind.STAGE_MOVED,
                actor=owner,
                from_stage=StageKind.ordered()[current - 1],
                to_stage=project.stage,
                reason="Exit criteria met.",
                at=_moment(entered, 16),
            )
        )
    if project.status != ProjectStatus.ACTIVE:
        kind = EventKind.SHIPPED if project.status == ProjectStatus.SHIPPED else EventKind.STOPPED
        events.append(
            ProjectEvent(
                project=project,
                kind=kind,
                actor=owner,
                from_stage=project.ended_stage,
                to_stage=project.stage if kind == EventKind.SHIPPED else "",
                stop_reason=project.stop_reason,
                reason=project.end_note,
                at=project.ended_at,
            )
        )
    return events


# Weekly logs of the synthetic portfolio (--weeks): bulk inserts, a chunk of projects at a time so
# memory stays flat; 2,000 projects × 100 weeks is 400,000 experiments.

SYNTHETIC_LOG_CHUNK = 50
SYNTHETIC_REPORT_EVERY = 250
SYNTHETIC_EXPERIMENTS_PER_WEEK = (1, 2, 3, 2)
SYNTHETIC_IDEAS = (
    (
        "Add {feature} to the scoring model",
        "The handlers say {feature} tells urgent cases apart; ROC AUC should rise.",
        "Built the feature, retrained on the frozen split, compared on validation.",
    ),
    (
        "Tune the scoring model",
        "Default settings leave some ROC AUC on the table.",
        "Random search over depth and learning rate, 40 trials.",
    ),
    (
        "Error analysis: {feature}",
        "Most errors share a cause we can fix.",
        "Read 50 of the worst errors with the team lead and tagged the causes.",
    ),
    (
        "Demo to the case handlers",
        "Handlers agree with most of the top-ranked cases.",
        "Showed 40 real cases without scores and asked agree / disagree.",
    ),
)
SYNTHETIC_FEATURES = ("case age", "the customer's history", "the channel", "the product", "text")
SYNTHETIC_RESULTS = {
    Outcome.SUPPORTED: "A gain on validation; kept.",
    Outcome.REFUTED: "No gain on validation; dropped.",
    Outcome.INCONCLUSIVE: "Within run-to-run noise.",
    Outcome.ABANDONED: "Stopped: the data for it is not there yet.",
}
SYNTHETIC_OUTCOMES = (
    Outcome.SUPPORTED,
    Outcome.REFUTED,
    Outcome.SUPPORTED,
    Outcome.INCONCLUSIVE,
    Outcome.SUPPORTED,
    Outcome.ABANDONED,
    Outcome.REFUTED,
)
SYNTHETIC_REASONS = (
    "Steady gains on the validation split.",
    "No gain this week; next week tries new features.",
    "Handlers liked the demo.",
    "Integration with the case system slipped a week.",
)


def seed_synthetic_logs(
    weeks: int, today: datetime.date, report: Callable[[int, int], None] | None = None
) -> tuple[int, dict]:
    """Give each synthetic project without a log `weeks` weekly timeboxes, ~2 experiments a week
    with readings, and a likelihood; return how many projects got one and the rows per model.

    `report(done, total)` hears of progress every few hundred projects."""
    projects = list(
        Project.objects.filter(slug__startswith=SYNTHETIC_SLUG_PREFIX, timeboxes__isnull=True)
        .order_by("slug")
        .distinct()
    )
    counts = {Timebox: 0, Experiment: 0, Reading: 0}
    for start in range(0, len(projects), SYNTHETIC_LOG_CHUNK):
        chunk = projects[start : start + SYNTHETIC_LOG_CHUNK]
        with transaction.atomic():
            for model, rows in _synthetic_logs(chunk, weeks, today).items():
                counts[model] += rows
        done = start + len(chunk)
        if report and (done % SYNTHETIC_REPORT_EVERY == 0 or done == len(projects)):
            report(done, len(projects))
    return len(projects), counts


def _synthetic_logs(projects: list[Project], weeks: int, today: datetime.date) -> dict:
    criteria: dict[int, dict[str, SuccessCriterion]] = {p.pk: {} for p in projects}
    for criterion in SuccessCriterion.objects.filter(project__in=projects):
        criteria[criterion.project_id][criterion.kind + str(criterion.direction)] = criterion
    timeboxes = [tb for p in projects for tb in _synthetic_timeboxes(p, weeks, today)]
    Timebox.objects.bulk_create(timeboxes, batch_size=BATCH_SIZE)
    measured = []  # (experiment, {criterion: value})
    for index, timebox in enumerate(timeboxes):
        w = index % weeks
        for experiment in _synthetic_experiments(timebox, w, today):
            values = _synthetic_values(experiment, criteria[experiment.project_id], w, weeks)
            measured.append((experiment, values))
    Experiment.objects.bulk_create([e for e, _ in measured], batch_size=BATCH_SIZE)
    readings = [
        Reading(
            criterion=criterion,
            project_id=experiment.project_id,
            experiment=experiment,
            value=value,
            at=experiment.created_at,
            created_by_id=experiment.created_by_id,
        )
        for experiment, values in measured
        for criterion, value in values.items()
    ]
    Reading.objects.bulk_create(readings, batch_size=BATCH_SIZE)
    return {Timebox: len(timeboxes), Experiment: len(measured), Reading: len(readings)}


def _synthetic_timeboxes(project: Project, weeks: int, today: datetime.date) -> list[Timebox]:
    """`weeks` weeks up to this week, or up to the week the project ended."""
    end = timezone.localdate(project.ended_at) if project.ended_at else today
    last = week_start(end)
    n = int(project.slug.removeprefix(SYNTHETIC_SLUG_PREFIX))
    stopped = project.status == ProjectStatus.STOPPED
    rows = []
    for w in range(weeks):
        progress = w / max(weeks - 1, 1)
        likelihood = 40 + 45 * progress if not stopped else 55 - 45 * progress
        likelihood += ((n * 7 + w * 13) % 11) - 5
        rows.append(
            Timebox(
                project=project,
                week_start=last - datetime.timedelta(weeks=weeks - 1 - w),
                likelihood=max(0, min(100, round(likelihood))),
                likelihood_reason=SYNTHETIC_REASONS[(n + w) % len(SYNTHETIC_REASONS)],
            )
        )
    return rows


def _synthetic_experiments(timebox: Timebox, w: int, today: datetime.date) -> list[Experiment]:
    project = timebox.project
    n = int(project.slug.removeprefix(SYNTHETIC_SLUG_PREFIX))
    count = SYNTHETIC_EXPERIMENTS_PER_WEEK[(n + w) % len(SYNTHETIC_EXPERIMENTS_PER_WEEK)]
    rows = []
    for k in range(count):
        title, hypothesis, done = SYNTHETIC_IDEAS[(n + w + k) % len(SYNTHETIC_IDEAS)]
        feature = SYNTHETIC_FEATURES[(n + w * 3 + k) % len(SYNTHETIC_FEATURES)]
        outcome = SYNTHETIC_OUTCOMES[(n + w * 2 + k) % len(SYNTHETIC_OUTCOMES)]
        rows.append(
            Experiment(
                timebox=timebox,
                project=project,  # also read by _synthetic_values
                position=k + 1,
                title=title.format(feature=feature),
                hypothesis=hypothesis.format(feature=feature),
                what_was_done=done,
                outcome=outcome,
                # This week's experiments are not logged in days still to come.
                created_at=_synthetic_moment(
                    min(timebox.week_start + datetime.timedelta(days=1 + k), today)
                ),
                created_by_id=project.owner_id,
            )
        )
    return rows


def _synthetic_values(
    experiment: Experiment, criteria: dict[str, SuccessCriterion], w: int, weeks: int
) -> dict[SuccessCriterion, float]:
    """Readings of an experiment in week `w` of the log, and its result that quotes them: the
    week's first experiment reads ROC AUC, and now and then scoring time and the business metric.
    (One reading per experiment would add 400,000 rows that no page needs.)"""
    if experiment.outcome == Outcome.ABANDONED or experiment.position != 1:
        experiment.result = SYNTHETIC_RESULTS[experiment.outcome]
        return {}
    stalls = experiment.project.status == ProjectStatus.STOPPED
    gain = (0.35 if stalls else 1.0) * w / max(weeks - 1, 1)
    wobble = ((experiment.position * 37 + w * 11) % 9 - 4) / 400
    auc = criteria["model" + Direction.HIGHER]
    values = {auc: auc.baseline + (auc.target + 0.02 - auc.baseline) * gain + wobble}
    if w % 2 == 0:
        values[criteria["model" + Direction.LOWER]] = 90 - 45 * gain + wobble * 100
    if w % 4 == 0:
        business = criteria["business" + Direction.HIGHER]
        values[business] = business.baseline + 16 * gain + wobble * 100
    experiment.result = f"ROC AUC {values[auc]:.3f}. {SYNTHETIC_RESULTS[experiment.outcome]}"
    return {criterion: round(value, 3) for criterion, value in values.items()}


_moments: dict[datetime.date, datetime.datetime] = {}


def _synthetic_moment(day: datetime.date) -> datetime.datetime:
    """10:00 on `day`, made aware once per day: 400,000 experiments share a few hundred days."""
    if day not in _moments:
        _moments[day] = _moment(day, 10)
    return _moments[day]
