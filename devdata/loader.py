"""Writes the demo portfolio (devdata/data/) through the real services, each write dated with
`at=` on the day the story says, so history, the decision log and the timeline read as if they
happened then.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import Membership, Team, User
from lifecycle import services
from lifecycle.models import Charter, Project, StageKind, StopRule, WatchedSeries
from lifecycle.services import monitoring

from .dates import days_ago, moment, planned_spans
from .logs import write_log
from .portfolio import DEFAULT_STAGE_PLANS, DEMO_PASSWORD, LOGS, MANAGER_GROUP, PEOPLE, TEAMS
from .specs import DemoProject, Ending, Move, Revision, WatchSpec

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
            is_staff=person.superuser,
            is_superuser=person.superuser,
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


# The demo projects


@transaction.atomic
def seed_project(
    spec: DemoProject, users: dict[str, User], teams: dict[str, Team], today: datetime.date
) -> bool:
    """Create one demo project with its whole story; False if its slug exists already."""
    if Project.objects.filter(slug=spec.slug).exists():
        return False
    owner = users[spec.owner]
    created = days_ago(today, spec.created_days_ago)
    project = services.project_create(
        team=teams[spec.team],
        name=spec.name,
        summary=spec.summary,
        owner=owner,
        by=owner,
        at=moment(created, 9),
    )
    _write_documents(project, spec, users, at=moment(created, 11))
    _plan_stages(project, spec, start=created, by=owner, at=moment(created, 11))
    for revision in spec.revisions:
        _revise(project, revision, users, today)
    for move in spec.moves:
        _move(project, move, users, today)
    if spec.ending:
        _end(project, spec, users, today)
    _tick_current_stage(project, spec, today)
    if spec.slug in LOGS:
        write_log(project, spec, LOGS[spec.slug], users, today)
    return True


def _write_documents(
    project: Project, spec: DemoProject, users: dict[str, User], at: datetime.datetime
) -> None:
    owner = users[spec.owner]
    charter = Charter.objects.get(project=project)
    services.document_save(
        instance=charter,
        fields=spec.charter.model_dump(),
        expected_version=charter.version,
        by=owner,
        at=at,
    )
    stop_rule = StopRule.objects.get(project=project)
    services.document_save(
        instance=stop_rule,
        fields={"text": spec.stop_rule},
        expected_version=stop_rule.version,
        by=owner,
        at=at,
    )
    for criterion in spec.criteria:
        services.criterion_add(project=project, fields=criterion.model_dump(), by=owner, at=at)
    for risk in spec.risks:
        fields = risk.model_dump() | {"owner": users[risk.owner]}
        services.risk_add(project=project, fields=fields, by=owner, at=at)


def _plan_stages(
    project: Project, spec: DemoProject, start: datetime.date, by: User, at: datetime.datetime
) -> None:
    spans = planned_spans(start, [weeks * 7 for weeks in spec.plan_weeks])
    for stage in project.stages.all():
        kind = StageKind(stage.kind)
        plan = spec.stage_plans.get(kind, DEFAULT_STAGE_PLANS[kind])
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
            at=at,
        )
        for text in plan.exit_criteria:
            services.exit_criterion_add(stage=stage, text=text, by=by, at=at)


def _revise(
    project: Project, revision: Revision, users: dict[str, User], today: datetime.date
) -> None:
    models: dict[str, type[Charter] | type[StopRule]] = {"charter": Charter, "stop_rule": StopRule}
    document = models[revision.document].objects.get(project=project)
    services.document_save(
        instance=document,
        fields=revision.fields,
        expected_version=document.version,
        by=users[revision.by],
        at=moment(days_ago(today, revision.days_ago), 14),
    )


def _tick_all(project: Project, by: User, at: datetime.datetime) -> None:
    """Tick every exit criterion of the stage the project is in."""
    stage = project.stages.get(kind=project.stage)
    for item in stage.exit_criteria.filter(done=False):
        services.exit_criterion_set_done(item=item, done=True, by=by, at=at)


def _move(project: Project, move: Move, users: dict[str, User], today: datetime.date) -> None:
    project = Project.objects.get(pk=project.pk)
    by = users[move.by]
    at = moment(days_ago(today, move.days_ago), 16)
    if StageKind(move.to_stage).position > project.stage_kind.position:
        _tick_all(project, by, at)
    services.project_move_to_stage(
        project=project, to_stage=move.to_stage, by=by, reason=move.reason, at=at
    )


def _end(project: Project, spec: DemoProject, users: dict[str, User], today: datetime.date) -> None:
    assert spec.ending is not None  # called for projects that end
    ending: Ending = spec.ending
    project = Project.objects.get(pk=project.pk)
    by = users[ending.by]
    at = moment(days_ago(today, ending.days_ago), 17)
    if ending.stop_reason:
        services.project_stop(
            project=project, by=by, stop_reason=ending.stop_reason, note=ending.note, at=at
        )
        return
    if project.stage == StageKind.TECH_TRANSFER:
        _tick_all(project, by, at)
    _watch(project, spec, by, at, today)
    services.project_ship(project=project, by=by, note=ending.note, at=at)


def _watch(
    project: Project,
    spec: DemoProject,
    by: User,
    at: datetime.datetime,
    today: datetime.date,
) -> None:
    """A shipped project is watched: the series and plan of its `monitoring`, or else its first
    business criterion, read weekly, with an alert when it falls back to the baseline."""
    if WatchedSeries.objects.filter(project=project).exists():
        return
    criteria = {c.name: c for c in project.criteria.order_by("kind", "position", "id")}
    plan = spec.monitoring
    if plan is None:
        first = next(iter(criteria.values()), None)
        if first is None:
            return
        threshold = first.baseline if first.baseline is not None else first.target
        watches = [WatchSpec(criterion=first.name, alert_threshold=threshold)]
    else:
        watches = list(plan.watches)
        monitoring.monitoring_plan_save(
            project=project,
            fields={
                "model_version": plan.model_version,
                "trained_on": days_ago(today, plan.trained_days_ago),
                "retrain_every_days": plan.retrain_every_days,
                "notes": plan.notes,
            },
            expected_version=None,
            by=by,
            at=at,
        )
    for watch in watches:
        monitoring.watched_series_add(
            project=project,
            fields={
                "criterion": criteria[watch.criterion],
                "expected_every_hours": watch.expected_every_hours,
                "alert_threshold": watch.alert_threshold,
                "tell": watch.tell,
            },
            by=by,
            at=at,
        )


def _tick_current_stage(project: Project, spec: DemoProject, today: datetime.date) -> None:
    """Tick the first exit criteria of the stage the project is in, halfway through it."""
    project = Project.objects.get(pk=project.pk)
    stage = project.stages.get(kind=project.stage)
    until = today
    if spec.ending and spec.ending.stop_reason:
        until = days_ago(today, spec.ending.days_ago)
    assert stage.actual_start is not None and project.owner is not None  # a started stage
    halfway = moment(stage.actual_start + (until - stage.actual_start) / 2, 12)
    for item in list(stage.exit_criteria.filter(done=False)[: spec.current_done]):
        services.exit_criterion_set_done(item=item, done=True, by=project.owner, at=halfway)
