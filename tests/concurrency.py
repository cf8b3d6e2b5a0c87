"""Run requests at the same moment, each thread on its own database connection."""

import threading
from collections.abc import Callable
from typing import Any

from celery.result import allow_join_result
from django.db import connection

TIMEOUT = 60  # seconds for all of them to start, and for each to finish


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in a thread of its own, released together by a barrier; returns their
    results in order, or raises the first exception one of them raised."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connected before the barrier: the calls overlap
            barrier.wait()
            results[index] = call()
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    # Tasks run in-process in the tests, each in its request's thread. Celery marks "inside a
    # task" in one global while it runs one and then restores the value it saw, so tasks that
    # end out of order can leave the mark set (tests/test_worker.py would then be refused
    # result.get()): it is set back to what it was once all calls are done.
    with allow_join_result():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a call did not finish"
    if errors:
        raise errors[0]
    return results
