"""Fill a development database with the demo portfolio, demo logins and, on request, a large
synthetic portfolio for benchmarks. Safe to run again: whatever exists is left alone.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, Team, User
from lifecycle import services
from lifecycle.demo_data import (
    DEFAULT_STAGE_PLANS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    MANAGER_GROUP,
    PEOPLE,
    PROJECTS,
    TEAMS,
    DemoProject,
    Ending,
    Move,
    Revision,
)
from lifecycle.models import (
    Charter,
    CriterionKind,
    Direction,
    EventKind,
    ExitCriterion,
    Project,
    ProjectEvent,
    ProjectStatus,
    Risk,
    RiskCategory,
    RiskStatus,
    Stage,
    StageKind,
    StageStatus,
    StopReason,
    StopRule,
    SuccessCriterion,
)

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
            "--once",
            action="store_true",
            help="Seed only an empty database (what `make run` does), so demo projects you "
            "deleted do not come back; the logins are printed either way.",
        )

    def handle(self, *args, projects: int, once: bool, **options):
        if not getattr(settings, "DEV", False):
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs in "
                "development. Set WAYPOINT_DEV=1 to use it."
            )
        if projects < 0:
            raise CommandError("--projects takes a number of projects, 0 or more.")
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
        if projects:
            created = seed_synthetic(projects, teams, users, today)
            self.stdout.write(
                f"Synthetic projects: {created} created, {projects - created} already there."
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
            event = services.project_ship(project=project, by=by, note=ending.note)
    ProjectEvent.objects.filter(pk=event.pk).update(at=moment)


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
