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
