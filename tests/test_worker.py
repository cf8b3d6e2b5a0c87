"""Background jobs on a real Celery worker, with Redis as broker, against the test database."""

import datetime
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.utils import timezone

from lifecycle import services
from lifecycle.models import Stage
from lifecycle.tasks import send_overdue_stage_reminders


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        test_database = connection.settings_dict["NAME"]
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{test_database}"
    env = {**os.environ, "DATABASE_URL": url, "CELERY_TASK_ALWAYS_EAGER": "false"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",  # solo runs one task at a time; the default counts the CPUs
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],  # fmt: skip
        env=env,
    )
    yield worker
    worker.terminate()
    worker.wait(timeout=30)


@pytest.fixture
def real_worker(celery_worker_process):
    from config.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process


@pytest.mark.django_db(transaction=True)
def test_worker_sends_overdue_reminders_and_marks_the_stages(real_worker, project, owner):
    owner.email = "olivia@example.com"
    owner.save()
    stage = services.document_save(
        instance=project.stages.get(kind="ideation"),
        fields={"planned_end": timezone.localdate() - datetime.timedelta(days=3)},
        expected_version=1,
        by=owner,
    )
    result = send_overdue_stage_reminders.delay()
    assert result.get(timeout=60) == 1
    assert Stage.objects.get(pk=stage.pk).overdue_reminder_for == stage.planned_end
    assert real_worker.poll() is None  # the worker is still alive and serving


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_monitoring_checks_and_a_new_reading_resolves_the_alert(
    real_worker, project, owner
):
    from lifecycle.models import Alert, Reading, WatchedSeries
    from lifecycle.tasks import run_monitoring
    from tests.factories import watch

    series = watch(project, owner, expected_every_hours=24)
    services.project_move_to_stage(project=project, to_stage="tech_transfer", by=owner, reason="Go")
    services.project_ship(project=project, by=owner, note="Live")
    WatchedSeries.objects.filter(pk=series.pk).update(
        watched_since=timezone.now() - datetime.timedelta(days=3)
    )

    assert run_monitoring.delay().get(timeout=60)["opened"] == 1
    alert = Alert.objects.get(project=project)
    assert alert.status == "open" and alert.kind == "quiet"
    assert run_monitoring.delay().get(timeout=60)["opened"] == 0  # still one alert
    assert Alert.objects.filter(project=project).count() == 1

    Reading.objects.create(
        criterion=series.criterion, project=project, value=75, source="production"
    )
    assert run_monitoring.delay().get(timeout=60)["resolved"] == 1
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.resolve_note.startswith("Resolved by itself")


def test_the_worker_runs_with_late_acks_one_message_at_a_time_and_the_visibility_timeout(
    real_worker,
):
    """What the worker process itself was configured with, asked over the broker."""
    from config.celery import app

    replies = app.control.inspect(timeout=10).conf(with_defaults=True)
    assert replies, "the worker did not answer"
    (conf,) = replies.values()
    assert conf["task_acks_late"] is True
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["broker_transport_options"]["visibility_timeout"] == 3600
    assert conf["task_time_limit"] < conf["broker_transport_options"]["visibility_timeout"]
    # Messages held = processes x prefetch multiplier: none waits behind a long job.
    stats = next(iter(app.control.inspect(timeout=10).stats().values()))
    assert stats["prefetch_count"] == 1


def test_the_compose_worker_probe_passes_for_a_live_worker_and_fails_for_a_missing_one(
    real_worker,
):
    """docker-compose.yml's worker healthcheck command, run against the real test worker."""
    import re
    import shlex
    import subprocess
    import sys
    from pathlib import Path

    from config.celery import app

    root = Path(__file__).resolve().parent.parent
    compose = (root / "docker-compose.yml").read_text()
    command = re.search(r'"CMD-SHELL", "(celery -A config inspect ping [^"]+)"', compose).group(1)
    (node,) = next(iter(reply) for reply in app.control.ping(timeout=10))
    celery = str(Path(sys.executable).with_name("celery"))

    def probe(hostname: str, *, wait: str = "10") -> int:
        line = command.replace("$$HOSTNAME", hostname).replace("--timeout 10", f"--timeout {wait}")
        argv = [celery, *shlex.split(line)[1:]]
        return subprocess.run(argv, cwd=root, capture_output=True, timeout=60).returncode  # noqa: S603

    assert probe(node.split("@", 1)[1]) == 0
    assert probe("no-such-worker", wait="2") != 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_rolls_up_stored_readings(real_worker, project, owner):
    """Readings stored through the service queue the rollups' chore; the worker runs it."""
    from lifecycle.models import ReadingHour
    from lifecycle.selectors import rollups
    from lifecycle.services.experiment_log import ReadingInput, readings_add
    from tests.factories import add_criterion

    criterion = add_criterion(project, owner, name="Precision")
    readings_add(project=project, readings=[ReadingInput("Precision", 0.8)] * 4, by=owner)
    # The worker takes one message at a time, in order: once a later task is done, so is the chore.
    assert send_overdue_stage_reminders.delay().get(timeout=60) == 0
    assert ReadingHour.objects.get(criterion=criterion).readings == 4
    assert rollups.pending(project.pk) == {}
