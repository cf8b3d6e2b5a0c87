"""Chores (config.jobs.chore_send): queued once while one is waiting, run here when the broker is
unreachable, never lost."""

import time

import pytest

from config.celery import app
from config.jobs import chore_send, chore_started

from .own_redis import closed_port_url, own_redis


class Chore:
    """A task that records how it was started, in place of a real one."""

    name = "tests.chore"

    def __init__(self):
        self.calls = []

    def apply_async(self, args, **options):
        self.calls.append(("queued", args))

    def run(self, *args):
        self.calls.append(("here", args))


@pytest.fixture
def queued(settings):
    app.conf.task_always_eager = False
    with own_redis() as redis:
        settings.REDIS_URL = redis.url
        yield redis


@pytest.mark.django_db
def test_a_chore_waiting_in_the_queue_is_not_queued_again(
    queued, django_capture_on_commit_callbacks
):
    chore = Chore()
    with django_capture_on_commit_callbacks(execute=True):
        chore_send(chore, 7, key="rollups:7")
        chore_send(chore, 7, key="rollups:7")
        chore_send(chore, 8, key="rollups:8")
    assert chore.calls == [("queued", (7,)), ("queued", (8,))]
    chore_started("rollups:7")  # the worker began: later writes need a run of their own
    with django_capture_on_commit_callbacks(execute=True):
        chore_send(chore, 7, key="rollups:7")
    assert chore.calls[-1] == ("queued", (7,))


@pytest.mark.django_db
def test_with_the_broker_down_a_chore_runs_here_at_once(
    queued, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = closed_port_url()
    chore = Chore()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        chore_send(chore, 7, key="rollups:7")
    assert chore.calls == [("here", (7,))]
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_without_a_broker_a_chore_runs_in_process(django_capture_on_commit_callbacks):
    chore = Chore()
    with django_capture_on_commit_callbacks(execute=True):
        chore_send(chore, 7, key="rollups:7")
    assert chore.calls == [("here", (7,))]


@pytest.mark.django_db
def test_in_process_a_chore_runs_at_most_once_per_interval(
    settings, django_capture_on_commit_callbacks
):
    settings.CHORES_IN_PROCESS_EVERY = 60
    chore = Chore()
    with django_capture_on_commit_callbacks(execute=True):
        chore_send(chore, 9, key="rollups:9")
        chore_send(chore, 9, key="rollups:9")
        chore_send(chore, 10, key="rollups:10")
    assert chore.calls == [("here", (9,)), ("here", (10,))]
