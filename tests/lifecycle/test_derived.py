"""Derived data is kept by the writes, through one entry point (lifecycle.services.derived.refresh),
and never by a page view.

Each write service runs here on a project whose summary is fresh; afterwards the stored summary
must equal one computed from scratch, and no reading may be left out of the hourly rollups. A
service that changes a summarised fact without calling `refresh` fails its case; a new public
function in the write modules fails `test_every_write_service_is_classified` until it is added to
SCENARIOS (it changes what the board or the charts show) or to NOT_SUMMARISED (with why not).
"""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lifecycle import services as lifecycle_services
from lifecycle.models import Alert, ProjectSummary, Risk, Stage
from lifecycle.selectors import rollups
from lifecycle.services import experiment_log, monitoring
from lifecycle.services import rollups as rollup_writes
from lifecycle.services.derived import refresh_all
from lifecycle.services.experiment_log import ReadingInput
from lifecycle.services.summary import summaries_refresh
from tests.factories import add_criterion, add_risk, make_project, watch

pytestmark = pytest.mark.django_db

# Every module of lifecycle.services: a new one is checked without being listed here.
MODULES = [lifecycle_services] + [
    importlib.import_module(info.name)
    for info in pkgutil.iter_modules(lifecycle_services.__path__, "lifecycle.services.")
]
# Modules that are the mechanism itself, or write only what no summary reads.
NOT_PROJECT_FACTS = {
    "lifecycle.services.derived": "the mechanism: refresh and its chores",
    "lifecycle.services.summary": "the summary's own computation, called by refresh",
    "lifecycle.services.rollups": "the rollups' own computation, called by refresh's chore",
    "lifecycle.services.digests": "emails and snapshots about projects, not project facts",
    "lifecycle.services.reminders": "notifications and emails, not project facts",
    "lifecycle.services.overdue": "emails, and a mark that the owner was told",
}
WEEK = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())


def stored(project) -> dict:
    return ProjectSummary.objects.filter(project=project).values().get() | {"refreshed_at": None}


def fresh(project) -> dict:
    summaries_refresh(project_ids=[project.pk])
    return stored(project)


def readings(name, n=3):
    return [
        ReadingInput(name, 70 + i, at=timezone.now() - datetime.timedelta(hours=i))
        for i in range(n)
    ]


def _ship(project, owner):
    watch(project, owner)
    lifecycle_services.project_move_to_stage(
        project=project, to_stage="tech_transfer", by=owner, reason="Ready"
    )
    return project


def _quiet_alert(project, owner):
    """A shipped project whose watched series has been quiet for days: one open alert."""
    lifecycle_services.project_ship(project=_ship(project, owner), by=owner, note="Live")
    series = project.watched_series.get()
    monitoring.monitoring_run(at=timezone.now() + datetime.timedelta(days=3), tell=False)
    summaries_refresh(project_ids=[project.pk])
    return series


def _experiment(project, owner):
    experiment = experiment_log.experiment_add(
        project=project, week_start=WEEK, title="A", by=owner
    )
    summaries_refresh(project_ids=[project.pk])
    return experiment


def _stage(project):
    return Stage.objects.get(project=project, kind=project.stage)


# name → what to do with a fresh project (and its owner); each changes what the board shows
SCENARIOS = {
    "project_create": lambda p, o: make_project(p.team, o, name="Another one"),
    "document_save": lambda p, o: lifecycle_services.document_save(
        instance=_stage(p),
        fields={"planned_end": timezone.localdate() + datetime.timedelta(days=30)},
        expected_version=_stage(p).version,
        by=o,
    ),
    "document_delete": lambda p, o: lifecycle_services.document_delete(
        instance=(risk := add_risk(p, o, likelihood=5, impact=5)) and Risk.objects.get(pk=risk.pk),
        expected_version=Risk.objects.get(pk=risk.pk).version,
        by=o,
    ),
    "risk_add": lambda p, o: add_risk(p, o, likelihood=5, impact=4),
    "project_move_to_stage": lambda p, o: lifecycle_services.project_move_to_stage(
        project=p, to_stage="data_collection", by=o, reason="Data next"
    ),
    "project_ship": lambda p, o: lifecycle_services.project_ship(
        project=_ship(p, o), by=o, note="Live"
    ),
    "project_stop": lambda p, o: lifecycle_services.project_stop(
        project=p, by=o, stop_reason="no_data", note="Nothing to learn from"
    ),
    "project_reopen": lambda p, o: (
        lifecycle_services.project_stop(project=p, by=o, stop_reason="no_data", note="x"),
        summaries_refresh(project_ids=[p.pk]),
        lifecycle_services.project_reopen(project=p, by=o, reason="New data arrived"),
    ),
    "readings_add": lambda p, o: experiment_log.readings_add(
        project=p, readings=readings(add_criterion(p, o).name), by=o
    ),
    "readings_add_to_project": lambda p, o: experiment_log.readings_add_to_project(
        p.pk, readings(add_criterion(p, o).name), o
    ),
    "experiment_add": lambda p, o: experiment_log.experiment_add(
        project=p, week_start=WEEK, title="A", by=o, readings=readings(add_criterion(p, o).name)
    ),
    "experiment_readings_add": lambda p, o: experiment_log.experiment_readings_add(
        experiment=_experiment(p, o), readings=readings(add_criterion(p, o).name), by=o
    ),
    "timebox_set_likelihood": lambda p, o: experiment_log.timebox_set_likelihood(
        timebox=experiment_log.timebox_for_week(project=p, week_start=WEEK, by=o),
        likelihood=40,
        reason="Weak signal",
        by=o,
    ),
    "timebox_review_save": lambda p, o: experiment_log.timebox_review_save(
        project=p, week_start=WEEK, fields={"likelihood": 55, "review": "Better"},
        expected_version=None, by=o,
    ),
    "watched_series_delete": lambda p, o: (
        series := _quiet_alert(p, o),
        watch(p, o, criterion=add_criterion(p, o)),
        summaries_refresh(project_ids=[p.pk]),
        monitoring.watched_series_delete(series=series, expected_version=series.version, by=o),
    ),
    "alert_resolve": lambda p, o: (
        _quiet_alert(p, o),
        monitoring.alert_resolve(alert=Alert.objects.get(project=p), by=o, note="Feed fixed"),
    ),
    "monitoring_run": lambda p, o: (
        lifecycle_services.project_ship(project=_ship(p, o), by=o, note="Live"),
        summaries_refresh(project_ids=[p.pk]),
        monitoring.monitoring_run(at=timezone.now() + datetime.timedelta(days=3), tell=False),
    ),
}  # fmt: skip

NOT_SUMMARISED = {
    "criterion_add": "criteria and their readings are read live, not from the summary",
    "exit_criterion_add": "exit criteria are not on the board",
    "exit_criterion_set_done": "exit criteria are not on the board",
    "exit_criterion_delete": "exit criteria are not on the board",
    "project_set_blocker": "the board reads the blocker from the project row",
    "timebox_for_week": "an empty week has no likelihood and no experiment",
    "criterion_ids_by_name": "a read",
    "experiment_move": "priorities within a week are not on the board",
    "watched_series_add": "watching changes no alert until the next pass",
    "watched_series_save": "as watched_series_add",
    "monitoring_plan_save": "as watched_series_add",
    "alert_acknowledge": "an acknowledged alert is still open, with the same level and title",
    "alerts_tell": "notifications, not project facts",
    "findings_now": "a read",
}


def public_functions(module):
    return {
        name
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and member.__module__ == module.__name__
    }


def test_every_write_service_is_classified():
    assert {module.__name__ for module in MODULES} >= NOT_PROJECT_FACTS.keys()
    checked = [module for module in MODULES if module.__name__ not in NOT_PROJECT_FACTS]
    services = set().union(*(public_functions(module) for module in checked))
    assert services - SCENARIOS.keys() - NOT_SUMMARISED.keys() == set()
    assert (SCENARIOS.keys() | NOT_SUMMARISED.keys()) - services == set()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_write_leaves_derived_data_current(
    name, project, owner, django_capture_on_commit_callbacks
):
    before = stored(project)
    assert before == fresh(project)
    with django_capture_on_commit_callbacks(execute=True):
        SCENARIOS[name](project, owner)
    for each in ProjectSummary.objects.select_related("project"):
        assert stored(each.project) == fresh(each.project), f"{name} left a stale summary"
    assert rollups.pending(project.pk) == {}, f"{name} left readings out of the hourly rollups"


def test_refresh_all_catches_up_bulk_loaded_readings(project, owner):
    criterion = add_criterion(project, owner)
    project.readings.model.objects.bulk_create(
        project.readings.model(
            criterion=criterion, project=project, value=i, at=timezone.now(), source="experiment"
        )
        for i in range(5)
    )
    assert sum(s.readings for s in rollups.pending(project.pk).values()) == 5
    refresh_all()
    assert rollups.pending(project.pk) == {}


def test_the_project_page_writes_nothing(client, project, owner):
    """Readings stored but not rolled up yet (the task has not run): the page draws them all,
    and its GET neither writes nor locks."""
    criterion = add_criterion(project, owner)
    experiment_log.readings_add(project=project, readings=readings(criterion.name, 450), by=owner)
    assert sum(s.readings for s in rollups.pending(project.pk).values()) == 450
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lifecycle:project_detail", args=[project.slug]))
    assert response.status_code == 200
    writes = [
        q["sql"] for q in queries
        if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "LOCK"}
        and "django_session" not in q["sql"]
    ]  # fmt: skip
    assert writes == []
    assert sum(s.readings for s in rollups.pending(project.pk).values()) == 450


def test_a_long_series_draws_the_same_before_and_after_its_rollups(project, owner):
    from lifecycle.selectors.charts import ProjectProgress

    criterion = add_criterion(project, owner)
    start = timezone.now() - datetime.timedelta(days=30)
    batch = [
        ReadingInput(criterion.name, (i * 37) % 101, at=start + datetime.timedelta(minutes=20 * i))
        for i in range(900)
    ]
    experiment_log.readings_add(project=project, readings=batch[:600], by=owner)
    rollup_writes.catch_up(project.pk)  # the first 600 rolled up, the last 300 still pending
    experiment_log.readings_add(project=project, readings=batch[600:], by=owner)
    before = ProjectProgress(project, [criterion])._points[criterion.pk]
    rollup_writes.catch_up(project.pk)
    after = ProjectProgress(project, [criterion])._points[criterion.pk]
    assert before == after
    assert len(after) < 900  # drawn from hours, not every reading
