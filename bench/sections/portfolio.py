"""Issue 4, "Scale": the portfolio board on a 2,000-project portfolio with 100 weeks of log each
(`seed_demo --projects 2000 --weeks 100`, 400,000 experiments), under gunicorn, on each engine.
Goals: board p95 <= 250 ms for every view; no board response over 300 KB; the query count of each
view does not depend on the number of projects (asserted in tests/lifecycle/test_portfolio_board.py;
reported here at 2,000 projects).

Seeding takes minutes, so the seeded database is cached, keyed by a hash of the seed code and every
migration: a second run starts in seconds; a change to either reseeds. SQLite: a file under
WORK/portfolio-cache. PostgreSQL: a database `portfolio_<key>` on the bench server, whose data
directory (WORK/postgres) is kept between runs; each run copies it with CREATE DATABASE ... TEMPLATE
(bench/README.md compares this with restoring a pg_dump).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from ..common import (
    PYTHON,
    ROOT,
    WORK,
    Context,
    CpuMeter,
    Database,
    Row,
    SectionResult,
    WaypointServer,
    app_env,
    check,
    free_port,
    lat_summary,
    log,
    login_session,
    manage,
    timed_calls,
)

NAME = "portfolio"
TITLE = "Portfolio board at 2,000 projects (issue 4)"

PROJECTS = 2000
WEEKS = 100
P95_GOAL_MS = 250.0
MAX_BYTES = 300_000
CACHE = WORK / "portfolio-cache"

# What the seeded database depends on: a change to any of these (or to devdata/) reseeds.
SEED_INPUTS = [
    "lifecycle/services/summary.py",
    "lifecycle/health.py",
]
SEED_INPUT_DIRS = ["devdata"]
MIGRATIONS = ["accounts", "lifecycle", "demos", "api"]

VIEWS = {
    # name: (label, path, htmx)
    "columns": ("board, columns view", "/portfolio/", False),
    "table": ("board, table view (page 1 of 41)", "/portfolio/?view=table", False),
    "filtered": (
        "board, filtered (active, at risk, sorted by likelihood)",
        "/portfolio/?view=table&status=active&health=at_risk&sort=-likelihood",
        False,
    ),
    "search": ("board, search in columns (htmx)", "/portfolio/?q=synthetic+project+01", True),
    "show_more": (
        "column 'show more' (htmx)",
        "/portfolio/columns/prototyping/?offset=8",
        True,
    ),
    "csv": ("CSV export of all 2,015 projects", "/portfolio/export.csv", False),
}
GOAL_VIEWS = ("columns", "table", "filtered", "search", "show_more")


def seed_key() -> str:
    digest = hashlib.sha256(f"{PROJECTS}x{WEEKS}".encode())
    files = [ROOT / name for name in SEED_INPUTS]
    for folder in SEED_INPUT_DIRS:
        files += sorted(p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".json"})
    for app in MIGRATIONS:
        files += sorted((ROOT / app / "migrations").glob("[0-9]*.py"))
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


COUNTED = ("project", "experiment", "timebox", "reading")


def _seed(building: Database) -> tuple[float, str]:
    manage(building, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    output = manage(
        building, "seed_demo", "--projects", str(PROJECTS), "--weeks", str(WEEKS), timeout=3600
    )
    return round(time.perf_counter() - started, 1), output


def _counts(db: Database) -> dict[str, int]:
    return {
        table: db.query(f"SELECT COUNT(*) FROM lifecycle_{table}")[0][0]  # noqa: S608
        for table in COUNTED
    }


def seeded_db(ctx: Context) -> tuple[Database, dict[str, Any]]:
    """The cached 2,000-project database of the context's engine, built (minutes) when missing
    or out of date."""
    key = seed_key()
    meta_file = CACHE / f"seed-{key}.{ctx.engine}.json"
    if ctx.engine == "sqlite":
        cached = Database.sqlite(CACHE / f"seed-{key}.sqlite3")
        present = cached.path is not None and cached.path.exists()
    else:
        assert ctx.postgres is not None
        cached = ctx.postgres.database(f"portfolio_{key}")
        present = cached.name in ctx.postgres.databases()
    if present and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        log(f"portfolio: cached seeded database {key} ({ctx.engine}, built in {meta['seed_s']} s)")
        return cached, {**meta, "cached": True}
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"seed-*.{ctx.engine}.json"):  # a stale seed: code or migrations changed
        old.unlink()
    log(f"portfolio: seeding {PROJECTS} projects x {WEEKS} weeks on {ctx.engine} (minutes; cached)")
    if ctx.engine == "sqlite":
        for old in CACHE.glob("seed-*.sqlite3"):
            old.unlink()
        building = CACHE / "building.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        seed_s, output = _seed(Database.sqlite(building))
        con = sqlite3.connect(building)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        assert cached.path is not None
        building.rename(cached.path)
    else:
        assert ctx.postgres is not None
        for name in ctx.postgres.databases():
            if name.startswith("portfolio_"):
                ctx.postgres.drop(name)
        seed_s, output = _seed(ctx.postgres.create("portfolio_building"))
        ctx.postgres.admin(
            f'ALTER DATABASE portfolio_building RENAME TO "{cached.name}"',
            "CHECKPOINT",
        )
        manage(cached, "shell", "-c", "from django.db import connection; "
               "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
    meta = {
        "seed_s": seed_s,
        "counts": _counts(cached),
        "seed_output": [line for line in output.splitlines() if "Synthetic" in line],
    }
    meta_file.write_text(json.dumps(meta, indent=1) + "\n")
    log(f"portfolio: seeded in {seed_s} s: {meta['counts']}")
    return cached, {**meta, "cached": False}


def probe(db: Database) -> dict[str, Any]:
    """Query counts and sizes, in-process on a copy of the database (bench/portfolio_probe.py)."""
    urls = {
        name: (path, {"HX-Request": "true"} if htmx else {})
        for name, (_, path, htmx) in VIEWS.items()
    }
    result = subprocess.run(
        [PYTHON, "-m", "bench.portfolio_probe", json.dumps(urls)],
        cwd=ROOT,
        env=app_env(db),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"portfolio probe failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(ctx: Context) -> SectionResult:
    args = ctx.args
    figures: dict[str, Any] = {"server": ctx.describe()}
    rows: list[Row] = []
    goals: dict[str, bool] = {}

    snapshot, seed = seeded_db(ctx)
    figures["seed"] = seed
    counts = seed["counts"]
    rows.append(
        Row(
            f"seed_demo --projects {PROJECTS} --weeks {WEEKS}: seconds"
            + (" (cached run)" if seed["cached"] else ""),
            seed["seed_s"],
        )
    )
    rows.append(
        Row(
            "experiments seeded",
            f"{counts['experiment']:,}",
            goal=">= 200,000",
            passed=counts["experiment"] >= 200_000,
        )
    )
    goals["experiments_seeded"] = counts["experiment"] >= 200_000

    workdir = WORK / ctx.engine / NAME
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    db = ctx.database(NAME, template=snapshot)
    figures["copy_s"] = round(time.perf_counter() - t0, 1)
    figures["db_bytes"] = db.size_bytes()
    figures["probe"] = probe(db)

    figures["quiet_gate"] = ctx.quiet()
    server = WaypointServer(free_port(ctx.port), workdir, db, ctx.config)
    with server:
        base = server.base_url
        session = login_session(base, "manager")
        with CpuMeter(server.pid) as meter:
            for name, (_label, path, htmx) in VIEWS.items():
                headers = {"HX-Request": "true"} if htmx else {}

                def get(path=path, headers=headers):
                    response = check(session.get(base + path, headers=headers, timeout=60), 200)
                    wire = int(response.headers.get("Content-Length") or len(response.content))
                    return len(response.content), wire

                calls = args.page_calls if name != "csv" else max(10, args.page_calls // 5)
                lat, (size, wire) = timed_calls(get, calls, warmup=3)
                figures[name] = {**lat_summary(lat), "bytes": size, "wire_bytes": wire}
        figures["host"] = meter.result
        figures["server_log"] = server.log_counts()

    for name, (label, _, _) in VIEWS.items():
        f, q = figures[name], figures["probe"][name]
        size = f"{f['bytes']:,} B" + (f", {f['wire_bytes']:,} B gzipped" if name == "csv" else "")
        value = f"{f['p50_ms']} / {f['p95_ms']} ms, {size}, {q['queries']} queries"
        if name in GOAL_VIEWS:
            passed = f["p95_ms"] <= P95_GOAL_MS and f["wire_bytes"] <= MAX_BYTES
            goals[f"{name}_p95_and_size"] = passed
            rows.append(
                Row(f"{label}: p50 / p95", value, goal="p95 <= 250 ms, <= 300 KB", passed=passed)
            )
        else:
            passed = f["wire_bytes"] <= MAX_BYTES
            goals[f"{name}_size"] = passed
            rows.append(Row(f"{label}: p50 / p95", value, goal="<= 300 KB sent", passed=passed))
    share = figures["host"].get("other_cpu_share")
    if share is not None:
        rows.append(Row("other tenants' share of the machine during the timings", f"{share:.0%}"))
    return SectionResult(figures, rows, goals)
