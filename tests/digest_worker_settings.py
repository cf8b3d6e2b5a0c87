"""Settings of the worker that tests/lifecycle/test_digests_worker.py kills mid-send: mail goes
to files (one per message, a real process's outbox), slowly, so the kill lands mid-send; the
broker hands an unacknowledged task on after 2 s and a dead claim is taken over after 1 s."""

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.slow_mail.SlowFileBackend"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2}
DIGEST_RECLAIM_SECONDS = 1
