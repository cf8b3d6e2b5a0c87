"""A large synthetic portfolio for benchmarks (`seed_demo --projects N --weeks W`): generated, not
read from data files, and bulk-inserted, because the services take seconds per hundred projects.
Its rows get no revision history: that would double the insert time, and benchmarks read the
board and project pages, not the history of made-up documents.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import Role, Team, User
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
)
from lifecycle.weeks import week_start

from .dates import days_ago, moment, planned_spans
from .portfolio import DEFAULT_STAGE_PLANS, TEAMS

SYNTHETIC_SLUG_PREFIX = "synthetic-project-"
SYNTHETIC_PLAN_WEEKS = (3, 6, 10, 8)
SYNTHETIC_STOP_RULE = "Stop if the model shows no lift over the current process by week 8."
SYNTHETIC_STOP_REASONS = list(StopReason)
SYNTHETIC_RISK_STATUSES = list(RiskStatus)
BATCH_SIZE = 500


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
        batches: list[tuple[type[Model], Sequence[Model]]] = [
            (Charter, charters),
            (StopRule, stop_rules),
            (SuccessCriterion, criteria),
            (Risk, risks),
            (Stage, stages),
            (ProjectEvent, events),
        ]
        for model, objects in batches:
            model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
        # Built after the stages are saved: the exit criteria need their ids.
        exit_criteria = [item for stage in stages for item in _synthetic_exit_criteria(stage)]
        ExitCriterion.objects.bulk_create(exit_criteria, batch_size=BATCH_SIZE)
    return len(numbers)


def _synthetic_slug(n: int) -> str:
    return f"{SYNTHETIC_SLUG_PREFIX}{n:04d}"


def _team_owner(members: Mapping[str, str], users: dict[str, User]) -> User:
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
    created = days_ago(today, 60 + (n * 37) % 480)
    project = Project(
        team=team,
        name=f"Synthetic project {n:04d}",
        slug=_synthetic_slug(n),
        summary="Generated for benchmarks: a scoring model for a made-up team.",
        owner=owner,
        stage=kind,
        status=status,
        created_at=moment(created, 9),
    )
    if status != ProjectStatus.ACTIVE:
        project.ended_at = moment(days_ago(today, 1 + n % 50), 17)
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
    return planned_spans(created, durations)


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
                at=moment(entered, 16),
            )
        )
    if project.status != ProjectStatus.ACTIVE:
        kind = EventKind.SHIPPED if project.status == ProjectStatus.SHIPPED else EventKind.STOPPED
        assert project.ended_at is not None  # set for every ended synthetic project
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
SYNTHETIC_RESULTS: dict[str, str] = {
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
    assert auc.baseline is not None  # the synthetic criteria all have one
    values = {auc: auc.baseline + (auc.target + 0.02 - auc.baseline) * gain + wobble}
    if w % 2 == 0:
        values[criteria["model" + Direction.LOWER]] = 90 - 45 * gain + wobble * 100
    if w % 4 == 0:
        business = criteria["business" + Direction.HIGHER]
        assert business.baseline is not None
        values[business] = business.baseline + 16 * gain + wobble * 100
    experiment.result = f"ROC AUC {values[auc]:.3f}. {SYNTHETIC_RESULTS[experiment.outcome]}"
    return {criterion: round(value, 3) for criterion, value in values.items()}


_moments: dict[datetime.date, datetime.datetime] = {}


def _synthetic_moment(day: datetime.date) -> datetime.datetime:
    """10:00 on `day`, made aware once per day: 400,000 experiments share a few hundred days."""
    if day not in _moments:
        _moments[day] = moment(day, 10)
    return _moments[day]
