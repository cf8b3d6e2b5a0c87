"""Settings of the app under `make bench`: the app's own settings (`config.settings`) with
bench-only changes, all controlled by the orchestrator through the environment:

- `ROOT_URLCONF = "bench.urls"`: the app's URLs plus `/_bench/health` (a trivial view for the
  harness's transport check) and `/_bench/sqlite` (the pragmas a gunicorn worker's connection
  really runs with).
- `STATIC_ROOT` under the bench's work directory, so `collectstatic` never writes into the tree.
- `WAYPOINT_BENCH_JOURNAL=delete`: SQLite in rollback-journal mode with the default
  `synchronous` (FULL), as MLflow runs it, for the aligned comparison. Default: the app's own
  WAL + synchronous=NORMAL, unchanged.
"""

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import DATABASES

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = Path(os.environ.get("WAYPOINT_BENCH_STATIC_ROOT", "/tmp/waypoint-bench/static"))  # noqa: S108

if os.environ.get("WAYPOINT_BENCH_JOURNAL", "wal") == "delete":
    if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        raise RuntimeError("WAYPOINT_BENCH_JOURNAL=delete only applies to SQLite")
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=DELETE;"
