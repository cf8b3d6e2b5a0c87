"""Queueing a background job, or failing clearly when the broker (Redis) cannot take it.

A job the UI shows keeps its state in a database row. Queueing one has two halves:

1. `queue_check(what=...)` before anything is written: a short ping of Redis. When Redis is not
   reachable it raises `QueueUnavailable`, whose message says what to do, and the caller writes
   nothing. This is what a user sees when Redis is down.
2. `job_send(task, *args, on_failure=...)` after the job's row is written: the task is published
   when the transaction commits (a worker must never pick up a job whose row it cannot read yet).
   If that publish fails anyway (Redis went away in between), `on_failure(message)` marks the job
   as failed with the same message, so it never shows "queued" for ever.

Every wait is bounded (settings: CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_TASK_PUBLISH_RETRY_POLICY,
BROKER_PING_TIMEOUT), so neither half takes more than a few seconds with Redis down or hung.
Without REDIS_URL, tasks run in-process (eager): there is no broker to check.
"""

import logging
import time
from collections.abc import Callable
from functools import cache, partial

import redis
from celery import Task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.backoff import NoBackoff
from redis.retry import Retry

from .celery import app

log = logging.getLogger(__name__)

QUEUE_DOWN = (
    "The background worker's queue (Redis) is not reachable, so the {what} was not started. "
    "Nothing was saved; try again in a minute, or ask an administrator to check Redis: "
    "see /healthz."
)


class QueueUnavailable(Exception):
    """The broker cannot take a job right now; nothing was written for it."""

    def __init__(self, what: str):
        super().__init__(QUEUE_DOWN.format(what=what))
        self.message = str(self)


def runs_in_process() -> bool:
    """Tasks run eagerly, in the request (no REDIS_URL, or unit tests): no broker involved."""
    return bool(app.conf.task_always_eager)


def broker_ping(*, timeout: float | None = None) -> dict:
    """Redis answers PING within `timeout` seconds: {"ok": True, "ms": 0.4}, or {"ok": False,
    "error": "..."} naming only the kind of failure (never the URL, which may hold a password).
    Without REDIS_URL: {"ok": True, "mode": "in-process"}."""
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "in-process"}
    timeout = settings.BROKER_PING_TIMEOUT if timeout is None else timeout
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),  # one try: the caller decides what a failure means
    )
    started = time.perf_counter()
    try:
        client.ping()
    except redis.TimeoutError:
        return {"ok": False, "error": f"no answer within {timeout:g} s"}
    except redis.AuthenticationError:
        return {"ok": False, "error": "authentication refused"}
    except redis.RedisError as error:
        return {"ok": False, "error": f"not reachable ({type(error).__name__})"}
    finally:
        client.close()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def queue_check(*, what: str) -> None:
    """Raise QueueUnavailable (saying the `what`, e.g. "upload", was not started) when the
    broker is not reachable. Call it before writing anything for the job."""
    if runs_in_process():
        return
    if not broker_ping()["ok"]:
        raise QueueUnavailable(what)


def job_send(task: Task, *args, what: str, on_failure: Callable[[str], None] | None = None) -> None:
    """Publish `task(*args)` once the current transaction commits (at once outside one).

    A publish that fails (its time bounded by the publish retry policy and Redis timeouts) is
    logged and handed to `on_failure` with the message a user should read; it does not raise,
    since the transaction that wrote the job has already committed."""
    transaction.on_commit(partial(_publish, task, args, what, on_failure))


def _publish(task: Task, args: tuple, what: str, on_failure) -> None:
    try:
        # The job's state is in its row: no result to keep. A task sent with a result to keep
        # first subscribes to the result backend, which retries for about 20 s with Redis down.
        task.apply_async(args=args, ignore_result=True)
    except BrokerError:
        log.exception("Could not queue %s%r: the broker is not reachable", task.name, args)
        if on_failure is not None:
            on_failure(QueueUnavailable(what).message)


# Chores: work that must happen but that nobody waits for (catching up derived data).

CHORE_QUEUED_SECONDS = 120  # a chore's "already queued" mark outlives a lost message this long


def _chore_marks() -> redis.Redis:
    return _marks_client(settings.REDIS_URL, settings.BROKER_PING_TIMEOUT)


@cache
def _marks_client(url: str, timeout: float) -> redis.Redis:
    """A pooled client with the ping's short timeouts and no retries, for the chores' marks."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def chore_send(task: Task, *args, key: str) -> None:
    """Queue `task(*args)` once the transaction commits, unless the same chore (`key`) is
    queued already and has not started: that run will see this write's rows too. The task
    calls `chore_started(key)` before it reads anything.

    With the broker unreachable the chore runs here instead, so it is never lost, and the
    request waits at most BROKER_PING_TIMEOUT for that (a refused connection fails at once);
    without REDIS_URL it runs in-process. One Redis round trip when a run is already queued."""
    transaction.on_commit(partial(_chore, task, args, key), robust=True)


def _chore(task: Task, args: tuple, key: str) -> None:
    if runs_in_process():
        _run_here(task, args, key)
        return
    try:
        if not _chore_marks().set(f"chore:{key}", 1, nx=True, ex=CHORE_QUEUED_SECONDS):
            return  # queued already
        task.apply_async(args=args, ignore_result=True, retry=False)
    except (redis.RedisError, BrokerError):
        log.warning("Broker unreachable: running %s%r in-process", task.name, args)
        _run_here(task, args, key)


_ran_here: dict[str, float] = {}


def _run_here(task: Task, args: tuple, key: str) -> None:
    """Run the chore's function in this process, at most once per CHORES_IN_PROCESS_EVERY
    seconds per chore: a script storing a reading a millisecond would otherwise pay for a
    catch-up each time (measured: 0.8 ms a reading alone, 3 to 7 ms with a catch-up through
    Celery's eager path). What a skipped run leaves behind is picked up by the next one; the
    chore must not mind (derived data readers cope with a short backlog)."""
    every = settings.CHORES_IN_PROCESS_EVERY
    now = time.monotonic()
    if every and now - _ran_here.get(key, float("-inf")) < every:
        return
    _ran_here[key] = now
    task.run(*args)


def chore_started(key: str) -> None:
    """Called by a chore's task first: writes from now on queue another run."""
    if runs_in_process():
        return
    try:
        _chore_marks().delete(f"chore:{key}")
    except redis.RedisError:
        log.warning("Could not clear the queued mark of chore %s", key)
