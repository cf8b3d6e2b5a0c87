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
