"""Writes dated in the past with `at=` (how the development seed writes its demo portfolio):
the rows, their revisions, `updated_at` and the decision log all read `at`, not the real time."""

import datetime

import pytest
from django.utils import timezone

from demos.services import demo_create
from lifecycle import services
from lifecycle.models import Charter, ExitCriterion, Project, ProjectEvent, Stage, StageKind
from lifecycle.services import monitoring
from lifecycle.services.experiment_log import ReadingInput, experiment_add

from ..factories import add_criterion, make_project

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(datetime.datetime(2024, 3, 5, 14, 0))
LATER = AT + datetime.timedelta(days=40)


def test_project_create_dates_the_project_its_documents_and_the_log(team, owner):
    project = services.project_create(team=team, name="Old", owner=owner, by=owner, at=AT)

    assert project.created_at == AT
    assert Project.objects.get(pk=project.pk).updated_at == AT
    assert project.stages.get(kind=StageKind.IDEATION).actual_start == AT.date()
    assert set(project.events.values_list("at", flat=True)) == {AT}
    assert set(Charter.history.filter(project=project).values_list("history_date", flat=True)) == {
        AT
    }
    assert set(Stage.objects.filter(project=project).values_list("updated_at", flat=True)) == {AT}


def test_document_save_dates_the_revision_and_updated_at(project, owner):
    charter = project.charter

    saved = services.document_save(
        instance=charter,
        fields={"problem": "Then"},
        expected_version=charter.version,
        by=owner,
        at=AT,
    )

    assert saved.updated_at == AT
    assert Charter.objects.get(pk=charter.pk).updated_at == AT
    latest = Charter.history.filter(id=charter.pk).latest("history_id")
    assert (latest.history_date, latest.history_user, latest.problem) == (AT, owner, "Then")


def test_a_save_without_at_is_dated_now_even_after_a_dated_one(project, owner):
    stage = project.stages.get(kind=StageKind.IDEATION)
    item = services.exit_criterion_add(stage=stage, text="Sponsor agrees", by=owner, at=AT)

    services.exit_criterion_set_done(item=item, done=True, by=owner)

    dates = list(ExitCriterion.history.filter(id=item.pk).order_by("history_id"))
    assert dates[0].history_date == AT
    assert dates[1].history_date > timezone.now() - datetime.timedelta(minutes=5)


def test_moves_and_endings_are_dated_at(team, owner):
    project = make_project(team, owner)
    add_criterion(project, owner)

    services.project_move_to_stage(
        project=project, to_stage=StageKind.TECH_TRANSFER, by=owner, reason="Ready.", at=AT
    )
    monitoring.watched_series_add(
        project=project,
        fields={"criterion": project.criteria.get(), "alert_threshold": 1.0},
        by=owner,
        at=LATER,
    )
    shipped = services.project_ship(
        project=Project.objects.get(pk=project.pk), by=owner, note="Live.", at=LATER
    )

    stages = {s.kind: s for s in project.stages.all()}
    assert stages[StageKind.IDEATION].actual_end == AT.date()
    assert stages[StageKind.TECH_TRANSFER].actual_start == AT.date()
    assert stages[StageKind.TECH_TRANSFER].actual_end == LATER.date()
    assert stages[StageKind.MONITORING].actual_start == LATER.date()
    assert Project.objects.get(pk=project.pk).ended_at == LATER
    assert shipped.at == LATER
    moved = ProjectEvent.objects.get(project=project, kind="stage_moved")
    assert moved.at == AT
    assert project.watched_series.get().watched_since == LATER


def test_stop_is_dated_at(project, owner):
    event = services.project_stop(
        project=project, by=owner, stop_reason="no_data", note="Nothing to learn from.", at=AT
    )

    project.refresh_from_db()
    assert (event.at, project.ended_at) == (AT, AT)
    assert project.stages.get(kind=project.stage).actual_end == AT.date()


def test_experiment_add_dates_the_experiment_its_week_and_its_readings(project, owner):
    criterion = add_criterion(project, owner)
    monday = AT.date() - datetime.timedelta(days=AT.weekday())

    experiment = experiment_add(
        project=project,
        week_start=monday,
        title="Baseline",
        by=owner,
        outcome="supported",
        readings=[ReadingInput(criterion.name, 61.0)],
        likelihood=40,
        likelihood_reason="A start.",
        at=AT,
    )

    experiment.refresh_from_db()
    assert (experiment.created_at, experiment.updated_at) == (AT, AT)
    assert experiment.readings.get().at == AT
    timebox = experiment.timebox
    assert timebox.updated_at == AT
    assert set(timebox.history.values_list("history_date", flat=True)) == {AT}


def test_monitoring_plan_save_dates_the_plan(project, owner):
    plan = monitoring.monitoring_plan_save(
        project=project,
        fields={"model_version": "v1", "retrain_every_days": 90},
        expected_version=None,
        by=owner,
        at=AT,
    )

    plan.refresh_from_db()
    assert plan.updated_at == AT
    assert plan.history.get().history_date == AT


def test_demo_create_dates_the_demo_and_its_first_scale(project, owner):
    demo = demo_create(project=project, title="Old demo", by=owner, at=AT)

    assert demo.created_at == AT
    assert demo.scale.created_at == AT
