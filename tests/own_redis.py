"""A Redis server of a test's own, to stop without disturbing the session's (REDIS_URL)."""

import socket
from contextlib import contextmanager

from scripts.with_services import Redis, free_port


def closed_port_url() -> str:
    """A Redis URL where nothing listens: a stopped Redis."""
    return f"redis://127.0.0.1:{free_port()}/0"


class OwnRedis:
    """The same private Redis scripts/with_services.py starts for the session, for one test."""

    def __init__(self):
        self.server = Redis()
        self.url = self.server.start()

    def stop(self) -> None:
        self.server.stop()


@contextmanager
def own_redis():
    server = OwnRedis()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def hung_redis():
    """A URL where connections are accepted but nothing ever answers: a Redis that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
