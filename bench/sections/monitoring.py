"""Issue 11, "Speed": one monitoring pass over 2,000 monitored projects with 5 watched series
each (10,000 series, 100,000 production readings), in-process (bench/monitoring_probe.py).

Measured on PostgreSQL, the production database, started privately for the run the way
`make test` does (scripts/with_services.py; fsync off, as there), and on a copy of the SQLite
snapshot, the embedded default. Goal (on both): every pass <= 5 s, and the same number of
queries whatever the number of projects (asserted in tests/lifecycle/test_monitoring.py; the
figures here show it at 2,000).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..common import PYTHON, ROOT, WORK, Context, Row, SectionResult, app_env, copy_db, log, manage

NAME = "monitoring"
TITLE = "Monitoring pass at 2,000 projects x 5 watched series (issue 11)"

PROJECTS = 2000
PASS_GOAL_S = 5.0
PASSES = ("first", "steady", "recovered")
LABELS = {
    "first": "first pass (opens the alerts)",
    "steady": "steady pass (same conditions: updates only)",
    "recovered": "pass after quiet feeds resumed (resolves)",
}


def probe(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, "-m", "bench.monitoring_probe", str(PROJECTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"monitoring probe failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def on_postgres(db: Path) -> dict[str, Any]:
    """The probe on a private, freshly migrated PostgreSQL (None figures without one)."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from with_services import Postgres, postgres_bin_dir

    if postgres_bin_dir() is None:
        return {"skipped": "PostgreSQL is not installed (make test installs it with apt-get)"}
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-pg-") as tmp:
        Path(tmp).chmod(0o755)
        server = Postgres(Path(tmp))
        url = server.start().rsplit("/", 1)[0] + "/postgres"
        try:
            env = {**app_env(db), "DATABASE_URL": url}
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
            )
            return probe(env)
        finally:
            server.stop()


def run(ctx: Context) -> SectionResult:
    figures: dict[str, Any] = {}
    rows: list[Row] = []
    goals: dict[str, bool] = {}
    workdir = WORK / NAME
    workdir.mkdir(parents=True, exist_ok=True)
    db = copy_db(ctx.snapshot, workdir / "db.sqlite3", ctx.config.journal)
    manage(db, "migrate", "-v0")
    log("monitoring: PostgreSQL pass")
    figures["postgresql"] = on_postgres(db)
    log("monitoring: SQLite pass")
    figures["sqlite"] = probe(app_env(db))
    for vendor in ("postgresql", "sqlite"):
        f = figures[vendor]
        if "skipped" in f:
            rows.append(
                Row(f"{vendor}: monitoring pass", f["skipped"], goal="<= 5 s", passed=False)
            )
            goals[f"{vendor}_pass"] = False
            continue
        for name in PASSES:
            p = f[name]
            passed = p["seconds"] <= PASS_GOAL_S
            goals[f"{vendor}_{name}"] = passed
            value = (
                f"{p['seconds']} s, {p['queries']} queries "
                f"({p['opened']} opened, {p['updated']} updated, {p['resolved']} resolved)"
            )
            rows.append(Row(f"{vendor}: {LABELS[name]}", value, goal="<= 5 s", passed=passed))
    return SectionResult(figures, rows, goals)
