"""Running manage.py on a SQLite file (the embedded default) in a subprocess: the suite's own
database is PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage_on_sqlite(database: Path, *args: str) -> str:
    """manage.py's standard output; uploaded files go beside the database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        WAYPOINT_DEV="1",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(database.parent),
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
