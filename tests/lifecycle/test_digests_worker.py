"""A worker killed in the middle of sending the week's digests: every digest still goes out
once (real Redis broker, real Celery worker processes, mail written to files)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from lifecycle.models import DeliveryStatus, DigestDelivery, DigestSubscriber
from lifecycle.tasks import send_weekly_digests
from tests.factories import make_project

QUEUE = "digests-killed-worker-test"


def start_worker(mail_dir):
    test_database = connection.settings_dict["NAME"]
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{test_database}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "tests.digest_worker_settings",
        "SLOW_MAIL_DIR": str(mail_dir),
        "SLOW_MAIL_SECONDS": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=WARNING", "-Q", QUEUE]
    return subprocess.Popen(command, env=env)


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def recipients(project, owner, manager, team):
    owner.email, manager.email = "olivia@example.com", "maya@example.com"
    owner.save()
    manager.save()
    make_project(team, owner, name="Pricing")
    for n in range(3):
        DigestSubscriber.objects.create(project=project, email=f"s{n}@client.example")
    return {"olivia@example.com", "maya@example.com"} | {f"s{n}@client.example" for n in range(3)}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_each_digest_sent_once(recipients, tmp_path):
    from config.celery import app

    app.conf.task_always_eager = False
    first = start_worker(tmp_path)
    second = None
    try:
        send_weekly_digests.apply_async(queue=QUEUE)
        assert wait_for(lambda: any(tmp_path.iterdir())), "the first worker sent nothing"
        time.sleep(0.3)  # the first mail is marked sent; the second is claimed and on its way
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert len(list(tmp_path.iterdir())) < len(recipients)  # killed mid-digest
        assert DigestDelivery.objects.filter(status=DeliveryStatus.SENDING).exists()

        second = start_worker(tmp_path)
        assert wait_for(
            lambda: (
                DigestDelivery.objects.filter(status=DeliveryStatus.SENT).count() == len(recipients)
            ),
            timeout=90,
        ), "the unsent digests were not picked up after the kill"
        sent_to = sorted(
            path.name.split(".eml")[0].rsplit(".", 1)[0] for path in tmp_path.iterdir()
        )
        assert sent_to == sorted(recipients)  # each once
        assert DigestDelivery.objects.filter(attempts=2).count() == 1  # the one claimed at death
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
        app.conf.task_always_eager = True
