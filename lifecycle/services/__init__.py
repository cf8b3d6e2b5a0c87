"""Writes to projects and their documents. Views and the API call these; nothing else writes."""

import datetime
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Team, User
from plumbing.revisions import save_revision

from ..models import (
    Charter,
    EventKind,
    ExitCriterion,
    Project,
    ProjectEvent,
    ProjectStatus,
    Risk,
    Stage,
    StageKind,
    StageStatus,
    StopReason,
    StopRule,
    SuccessCriterion,
    Timebox,
    VersionedDocument,
    WatchedSeries,
)
from .derived import refresh

Document = TypeVar("Document", bound=VersionedDocument)


class EditConflict(Exception):
    """Someone saved the section after the editor loaded it; `current` is what is stored now."""

    def __init__(self, current: Model | None):
        super().__init__("The section changed since you opened it.")
        self.current = current


class DecisionError(ValueError):
    """A stage move or end decision that the project's state does not allow."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "project"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _record(
    project: Project,
    kind: str,
    by: User,
    reason: str,
    at: datetime.datetime | None = None,
    **fields: Any,
) -> ProjectEvent:
    if at is not None:
        fields["at"] = at
    return ProjectEvent.objects.create(
        project=project, kind=kind, actor=by, reason=reason, **fields
    )


def _save_with_author(instance: Model, by: User, at: datetime.datetime | None = None) -> None:
    save_revision(instance, by=by, at=at)


@transaction.atomic
def project_create(
    *,
    team: Team,
    name: str,
    summary: str = "",
    owner: User,
    by: User,
    at: datetime.datetime | None = None,
) -> Project:
    """A new project in Ideation, with an empty charter, stop rule and the five stages.

    `at` dates the writes (default: now), here and in the other services that take it: the
    development seed writes its demo portfolio in the past through them."""
    today = timezone.localdate(at)
    project = Project(team=team, name=name, slug=_unique_slug(name), summary=summary, owner=owner)
    project.created_at = at or timezone.now()
    _save_with_author(project, by, at)
    _save_with_author(Charter(project=project), by, at)
    _save_with_author(StopRule(project=project), by, at)
    for position, kind in enumerate(StageKind):
        stage = Stage(project=project, kind=kind, position=position)
        if kind == StageKind.IDEATION:
            stage.status, stage.actual_start = StageStatus.IN_PROGRESS, today
        _save_with_author(stage, by, at)
    _record(project, EventKind.CREATED, by, reason=summary or "Project created.", at=at)
    refresh(project)
    return project


@transaction.atomic
def document_save(
    *,
    instance: Document,
    fields: dict[str, Any],
    expected_version: int,
    by: User,
    at: datetime.datetime | None = None,
) -> Document:
    """Save `fields` onto a versioned section, unless someone saved it since `expected_version`.

    The row is re-read under a lock (SQLite's IMMEDIATE transactions serialise writers the same
    way), so two saves from the same version cannot both win.
    """
    model = type(instance)
    current = model._default_manager.select_for_update().filter(pk=instance.pk).first()
    if current is None or current.version != expected_version:
        raise EditConflict(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    _save_with_author(current, by, at)
    _refresh_if_summarised(current)
    return current


# Sections whose saves change what the portfolio board shows (lifecycle.services.summary).
SUMMARISED = (Risk, Stage, Timebox)


def _refresh_if_summarised(instance: Model) -> None:
    if isinstance(instance, SUMMARISED):
        refresh(instance.project)


@transaction.atomic
def document_delete(*, instance: VersionedDocument, expected_version: int, by: User) -> None:
    model = type(instance)
    current = model._default_manager.select_for_update().filter(pk=instance.pk).first()
    if current is None:
        return  # already gone: deleting twice is not an error
    if current.version != expected_version:
        raise EditConflict(current)
    current._history_user = by  # type: ignore[attr-defined]  # django-simple-history's author
    current.delete()
    _refresh_if_summarised(current)


def criterion_add(
    *, project: Project, fields: dict[str, Any], by: User, at: datetime.datetime | None = None
) -> SuccessCriterion:
    last = project.criteria.aggregate(last=Max("position"))["last"]
    criterion = SuccessCriterion(project=project, position=(last or 0) + 1, **fields)
    _save_with_author(criterion, by, at)
    return criterion


def risk_add(
    *, project: Project, fields: dict[str, Any], by: User, at: datetime.datetime | None = None
) -> Risk:
    risk = Risk(project=project, **fields)
    _save_with_author(risk, by, at)
    refresh(project)
    return risk


def exit_criterion_add(
    *, stage: Stage, text: str, by: User, at: datetime.datetime | None = None
) -> ExitCriterion:
    last = stage.exit_criteria.aggregate(last=Max("position"))["last"]
    item = ExitCriterion(stage=stage, text=text, position=(last or 0) + 1)
    _save_with_author(item, by, at)
    return item


def exit_criterion_set_done(
    *, item: ExitCriterion, done: bool, by: User, at: datetime.datetime | None = None
) -> ExitCriterion:
    if item.done != done:
        item.done = done
        _save_with_author(item, by, at)
    return item


def exit_criterion_delete(*, item: ExitCriterion, by: User) -> None:
    item._history_user = by  # type: ignore[attr-defined]  # django-simple-history's author
    item.delete()


@transaction.atomic
def project_move_to_stage(
    *, project: Project, to_stage: str, by: User, reason: str, at: datetime.datetime | None = None
) -> ProjectEvent:
    """Move an active project to another stage, forward or back, and log who, when and why."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_active:
        raise DecisionError("This project has ended. Reopen it before moving it between stages.")
    if to_stage == project.stage:
        raise DecisionError("The project is already in that stage.")
    if not reason.strip():
        raise DecisionError("Say why the project moves, so the decision log explains it.")
    today = timezone.localdate(at)
    stages = {stage.kind: stage for stage in project.stages.all()}
    leaving, entering = stages[project.stage], stages[to_stage]
    forward = entering.position > leaving.position
    if forward:
        # Stages passed over on the way are finished as far as this project is concerned.
        for stage in stages.values():
            if leaving.position <= stage.position < entering.position:
                _finish_stage(stage, today, by, at)
    else:
        leaving.status = StageStatus.NOT_STARTED
        leaving.version += 1
        _save_with_author(leaving, by, at)
    entering.status = StageStatus.IN_PROGRESS
    entering.actual_start = entering.actual_start or today
    entering.actual_end = None
    entering.version += 1
    _save_with_author(entering, by, at)

    from_stage = project.stage
    project.stage = to_stage
    _save_with_author(project, by, at)
    refresh(project)
    return _record(
        project,
        EventKind.STAGE_MOVED,
        by,
        reason=reason.strip(),
        from_stage=from_stage,
        to_stage=to_stage,
        at=at,
    )


def _finish_stage(
    stage: Stage, today: datetime.date, by: User, at: datetime.datetime | None = None
) -> None:
    stage.status = StageStatus.DONE
    stage.actual_start = stage.actual_start or today
    stage.actual_end = stage.actual_end or today
    stage.version += 1
    _save_with_author(stage, by, at)


SHIPPABLE_FROM = {StageKind.TECH_TRANSFER, StageKind.MONITORING}


@transaction.atomic
def project_ship(
    *, project: Project, by: User, note: str, at: datetime.datetime | None = None
) -> ProjectEvent:
    """The project is live: it stays in Monitoring, and its status becomes shipped."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_active:
        raise DecisionError("This project has already ended.")
    if project.stage not in SHIPPABLE_FROM:
        raise DecisionError(
            "A project ships from Tech transfer or Monitoring. Move it there first, "
            "or stop it if it will not go live."
        )
    if not note.strip():
        raise DecisionError("Say what went live and how it is watched.")
    if not WatchedSeries.objects.filter(project=project).exists():
        raise DecisionError(
            "Before shipping, say how the live model will be watched: add at least one "
            "success criterion to watch on the project's monitoring page."
        )
    today = timezone.localdate(at)
    from_stage = project.stage
    if project.stage == StageKind.TECH_TRANSFER:
        stages = {stage.kind: stage for stage in project.stages.all()}
        _finish_stage(stages[StageKind.TECH_TRANSFER], today, by, at)
        monitoring = stages[StageKind.MONITORING]
        monitoring.status = StageStatus.IN_PROGRESS
        monitoring.actual_start = monitoring.actual_start or today
        monitoring.version += 1
        _save_with_author(monitoring, by, at)
        project.stage = StageKind.MONITORING
    project.status = ProjectStatus.SHIPPED
    project.ended_at = at or timezone.now()
    project.ended_stage = from_stage
    project.end_note = note.strip()
    _save_with_author(project, by, at)
    refresh(project)
    return _record(
        project,
        EventKind.SHIPPED,
        by,
        reason=note.strip(),
        from_stage=from_stage,
        to_stage=project.stage,
        at=at,
    )


@transaction.atomic
def project_stop(
    *, project: Project, by: User, stop_reason: str, note: str, at: datetime.datetime | None = None
) -> ProjectEvent:
    """Stop the project where it stands, with a reason from the fixed list."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_active:
        raise DecisionError("This project has already ended.")
    if stop_reason not in StopReason.values:
        raise DecisionError("Choose why the project stops from the list.")
    if stop_reason == StopReason.OTHER and not note.strip():
        raise DecisionError('With "Other", say in a sentence why the project stops.')
    # The stage the project stopped in ends today, so the timeline shows where it stopped.
    current = project.stages.get(kind=project.stage)
    current.actual_end = timezone.localdate(at)
    current.version += 1
    _save_with_author(current, by, at)
    project.status = ProjectStatus.STOPPED
    project.ended_at = at or timezone.now()
    project.ended_stage = project.stage
    project.stop_reason = stop_reason
    project.end_note = note.strip()
    _save_with_author(project, by, at)
    refresh(project)
    return _record(
        project,
        EventKind.STOPPED,
        by,
        reason=note.strip() or StopReason(stop_reason).label,
        from_stage=project.stage,
        stop_reason=stop_reason,
        at=at,
    )


@transaction.atomic
def project_reopen(*, project: Project, by: User, reason: str) -> ProjectEvent:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.is_active:
        raise DecisionError("This project is already active.")
    if not reason.strip():
        raise DecisionError("Say why the project is reopened.")
    if project.status == ProjectStatus.STOPPED:
        current = project.stages.get(kind=project.stage)
        current.actual_end = None
        current.version += 1
        _save_with_author(current, by)
    project.status = ProjectStatus.ACTIVE
    project.ended_at = None
    project.ended_stage = ""
    project.stop_reason = ""
    project.end_note = ""
    _save_with_author(project, by)
    refresh(project)
    return _record(project, EventKind.REOPENED, by, reason=reason.strip(), to_stage=project.stage)


BLOCKER_MAX_LENGTH = 280


@transaction.atomic
def project_set_blocker(*, project: Project, text: str, expected: str, by: User) -> ProjectEvent:
    """Set (or, with an empty `text`, clear) what blocks the project, and log it.

    `expected` is the blocker the owner saw when they opened the form: if someone changed it in
    between, EditConflict carries the project as it is now and nothing is written.
    """
    text = " ".join(text.split())
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.blocker != expected:
        raise EditConflict(current)
    if len(text) > BLOCKER_MAX_LENGTH:
        raise DecisionError(f"Keep the blocker under {BLOCKER_MAX_LENGTH} characters.")
    if not text and not current.blocker:
        raise DecisionError("Say what blocks the project.")
    if text == current.blocker:
        raise DecisionError("That is already the blocker.")
    cleared = current.blocker
    current.blocker = text
    current.blocker_since = timezone.now() if text else None
    _save_with_author(current, by)
    if text:
        return _record(current, EventKind.BLOCKER_SET, by, reason=text)
    return _record(current, EventKind.BLOCKER_CLEARED, by, reason=f"Was: {cleared}")
