"""`make bench`: for each engine (PostgreSQL, then SQLite), set up a fresh seeded database, run each
section against the app under gunicorn (and the peers it compares with), print a table per engine,
save the figures, and print them as one JSON object on the last stdout line. Progress goes to
stderr. The goals are stated on PostgreSQL, the production database (one private, durable server
for the whole run: scripts/with_services.py's DURABLE_SETTINGS); the SQLite pass prints the same
rows with its figures only.

    python -m bench.run [--engines postgresql,sqlite] [--only api,peer] [--quick] [--help]

A section is a module in bench/sections/ with NAME, TITLE and run(ctx) -> SectionResult; add it
to SECTIONS below. Servers are always stopped by PID, whatever happens (see bench/common.py).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import sqlite3
import sys
import time
import traceback
from typing import Any

from . import common
from .common import (
    ENGINES,
    PG_DATA,
    WORK,
    BenchPostgres,
    Context,
    Database,
    GunicornConfig,
    Row,
    SectionResult,
    log,
    manage,
    run_module,
)
from .sections import api, backup, demos, digests, drift, monitoring, pages, peer, portfolio

SECTIONS = [api, peer, portfolio, demos, drift, monitoring, digests, backup, pages]
RESULTS = common.ROOT / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="make bench ARGS=...", description=__doc__)
    names = [s.NAME for s in SECTIONS]
    ap.add_argument("--only", default=",".join(names), help=f"sections to run: {names}")
    ap.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="databases to run every section on, in order: postgresql (the goals), sqlite "
        "(figures only)",
    )
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per concurrent phase")
    ap.add_argument("--batches", type=int, default=50, help="sequential 1,000-reading batches")
    ap.add_argument("--page-calls", type=int, default=100, help="timed calls per page/read")
    ap.add_argument("--read-calls", type=int, default=50, help="harness: timed calls per read")
    ap.add_argument("--peer-runs", type=int, default=200, help="harness: runs in populate")
    ap.add_argument("--modes", default="close,keepalive", help="harness client connection modes")
    ap.add_argument("--no-aligned", action="store_true", help="skip the journal_mode=delete pass")
    ap.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    ap.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    ap.add_argument("--mlflow-venv", default="/tmp/mlflow-venv")  # noqa: S108
    ap.add_argument(
        "--no-mlflow", action="store_true", help="Waypoint passes only (development; no ratios)"
    )
    ap.add_argument("--mlflow-no-jobs", action="store_true", help="MLflow without its job runner")
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each pass, wait up to N s for other tenants to go under 25%% CPU (0: off)",
    )
    ap.add_argument("--port", type=int, default=8001, help="first port tried for Waypoint")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--pages-rows",
        type=int,
        default=1_000_000,
        help="rows of the pages section's demo (the goal is stated at 1,000,000)",
    )
    ap.add_argument(
        "--quick", action="store_true", help="short phases, close mode only (a few minutes)"
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.duration, args.batches, args.page_calls = 3.0, 20, 30
        args.read_calls, args.peer_runs, args.modes = 20, 50, "close"
    args.only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.only) - set(names)
    if unknown:
        ap.error(f"unknown sections {sorted(unknown)}; choose from {names}")
    args.engines = [x.strip() for x in args.engines.split(",") if x.strip()]
    if not args.engines or not set(args.engines) <= set(ENGINES):
        ap.error(f"--engines takes {' and/or '.join(ENGINES)}")
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not set(args.modes) <= {"close", "keepalive"}:
        ap.error("--modes takes close and/or keepalive")
    return args


# kept between runs (see bench/README.md)
KEEP = {portfolio.CACHE.name, PG_DATA.name, pages.LIGHTHOUSE_DIR.name}


def setup(args: argparse.Namespace) -> None:
    """A clean WORK (but the caches) and the static files every server serves."""
    WORK.mkdir(parents=True, exist_ok=True)
    for path in WORK.iterdir():
        if path.name in KEEP:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    (WORK / "sqlite").mkdir()
    manage(Database.sqlite(WORK / "sqlite" / "static.sqlite3"), "collectstatic", "--noinput", "-v0")


def setup_engine(
    args: argparse.Namespace, engine: str, postgres: BenchPostgres | None, shared: dict
) -> Context:
    """A fresh seeded database of `engine`: migrate, seed_demo, bench fixtures. Every server run
    gets its own copy of it (a file copy, or CREATE DATABASE ... TEMPLATE)."""
    t0 = time.perf_counter()
    if engine == "sqlite":
        snapshot = Database.sqlite(WORK / "sqlite" / "seed.sqlite3")
    else:
        assert postgres is not None
        for name in postgres.databases():  # what a previous run left, but the portfolio cache
            if name.startswith("b_"):
                postgres.drop(name)
        snapshot = postgres.create("b_seed")
    log(f"setup ({engine}): migrate, seed_demo, fixtures")
    manage(snapshot, "migrate", "--noinput", "-v0")
    manage(snapshot, "seed_demo", timeout=1800)
    fixtures = run_module(snapshot, "bench.fixtures")
    if engine == "sqlite":
        con = sqlite3.connect(snapshot.path or "")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    tokens = fixtures.pop("tokens")
    fixtures["setup_s"] = round(time.perf_counter() - t0, 1)
    log(
        f"setup ({engine}) done in {fixtures['setup_s']} s: {fixtures['portfolio_projects']} "
        f"projects; pages timed on {fixtures['demo_project']}"
    )
    config = GunicornConfig(worker_class=args.worker_class, threads=args.threads)
    return Context(
        args, engine, snapshot, fixtures, tokens, config, args.port, postgres, shared=shared
    )


HEADINGS = {
    "postgresql": "PostgreSQL (production; the goals)",
    "sqlite": "SQLite (embedded default; figures only)",
}


def figures_only(result: SectionResult) -> SectionResult:
    """The SQLite pass: the same rows, its figures, no PASS/FAIL (goals are PostgreSQL's)."""
    for row in result.rows:
        if row.goal:
            row.goal, row.passed = "(PostgreSQL only)", None
    result.figures["against_postgresql_goals"] = result.goals
    result.goals = {}
    return result


def table(ctx: Context, errors: dict[str, str]) -> str:
    head = ("metric", "Waypoint", "MLflow", "Waypoint/MLflow", "goal", "result")
    lines = [f"# {HEADINGS[ctx.engine]}: {ctx.describe()}"]
    for section in SECTIONS:
        if section.NAME not in ctx.results and section.NAME not in errors:
            continue
        lines.append("")
        lines.append(f"## {section.TITLE}")
        if section.NAME in errors:
            lines.append(f"FAILED: {errors[section.NAME]}")
            continue
        rows: list[Row] = ctx.results[section.NAME].rows
        cells = [head] + [
            (
                r.metric,
                str(r.value),
                "" if r.peer is None else str(r.peer),
                "" if r.ratio is None else f"{r.ratio:g}x",
                r.goal,
                "" if r.passed is None else ("PASS" if r.passed else "FAIL"),
            )
            for r in rows
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
        for n, c in enumerate(cells):
            lines.append(
                "| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |"
            )
            if n == 0:
                lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def is_complete(args: argparse.Namespace) -> bool:
    """A run of every section on both engines, full length, against MLflow."""
    return (
        set(args.only) == {s.NAME for s in SECTIONS}
        and set(args.engines) == set(ENGINES)
        and not args.quick
        and not args.no_mlflow
    )


NOISY = 0.10  # share of the machine used by other tenants above which a pass is flagged


def noisy_passes(figures: Any, path: str = "") -> list[tuple[str, float]]:
    """Every measured pass whose other tenants used more than NOISY of the machine."""
    found = []
    if isinstance(figures, dict):
        share = figures.get("other_cpu_share")
        if share is None and isinstance(figures.get("host"), dict):
            share = figures["host"].get("other_cpu_share")
        if isinstance(share, int | float) and share > NOISY:
            found.append((path, share))
        for key, value in figures.items():
            if key != "host":
                found += noisy_passes(value, f"{path}.{key}" if path else key)
    return found


def hold_work_lock():
    """Every worktree's `make bench` uses the same WORK, which setup() wipes: a second run at the
    same time would delete the first one's databases. The lock is released when the process ends."""
    handle = open(f"{WORK}.lock", "w")  # noqa: SIM115 - held until exit
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def run_engine(ctx: Context, errors: dict[str, str]) -> None:
    for section in SECTIONS:
        if section.NAME not in ctx.args.only:
            continue
        log(f"section {section.NAME} ({ctx.engine}): {section.TITLE}")
        try:
            result: SectionResult = section.run(ctx)
            ctx.results[section.NAME] = result if ctx.goals_here else figures_only(result)
        except (Exception, SystemExit) as e:
            traceback.print_exc(file=sys.stderr)
            errors[section.NAME] = f"{type(e).__name__}: {e}"


def summarize(
    args: argparse.Namespace,
    stamp: str,
    started: float,
    contexts: list[Context],
    errors: dict[str, dict[str, str]],
    postgres_facts: dict[str, str],
) -> dict[str, Any]:
    engines: dict[str, Any] = {}
    for ctx in contexts:
        engines[ctx.engine] = {
            "server": ctx.describe(),
            "fixtures": ctx.fixtures,
            "goals": {
                f"{name}.{goal}": passed
                for name, r in ctx.results.items()
                for goal, passed in r.goals.items()
            },
            "errors": errors[ctx.engine],
            "sections": {name: r.figures for name, r in ctx.results.items()},
        }
    goals = engines.get("postgresql", {}).get("goals", {})
    failed = {f"{engine}.{name}" for engine, e in errors.items() for name in e}
    summary: dict[str, Any] = {
        "bench": "waypoint",
        "stamp": stamp,
        "wall_s": round(time.perf_counter() - started, 1),
        "host": {"nproc": os.cpu_count(), "loadavg_end": [round(x, 2) for x in os.getloadavg()]},
        "postgresql_server": postgres_facts,
        "options": {k: v for k, v in vars(args).items()},
        "goals": goals,
        "all_goals_passed": bool(goals) and all(goals.values()) and not failed,
        "errors": sorted(failed),
        "engines": engines,
    }
    return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    lock = hold_work_lock()
    if lock is None:
        log(
            f"another make bench is using {WORK} (from this or another worktree); wait for it, "
            "or set WAYPOINT_BENCH_WORK to another directory"
        )
        return 1
    common.install_signal_handlers()
    started = time.perf_counter()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    errors: dict[str, dict[str, str]] = {engine: {} for engine in args.engines}
    contexts: list[Context] = []
    shared: dict[str, Any] = {}
    postgres_facts: dict[str, str] = {}
    try:
        setup(args)
        postgres = None
        if "postgresql" in args.engines:
            postgres = BenchPostgres().start()
            postgres_facts = postgres.facts()
        for engine in args.engines:
            try:
                ctx = setup_engine(args, engine, postgres, shared)
            except Exception as e:
                traceback.print_exc(file=sys.stderr)
                errors[engine]["setup"] = f"{type(e).__name__}: {e}"
                continue
            contexts.append(ctx)
            run_engine(ctx, errors[engine])
    except common.Interrupted as e:
        log(f"interrupted ({e}); servers stopped")
        return e.code
    finally:
        common.stop_all()
    if not contexts:
        return 1
    summary = summarize(args, stamp, started, contexts, errors, postgres_facts)
    goals, failed = summary["goals"], set(summary["errors"])
    print(f"# make bench ({stamp}, {summary['wall_s']} s)")
    for ctx in contexts:
        print()
        print(table(ctx, errors[ctx.engine]))
    print()
    noisy = noisy_passes(summary["engines"])
    summary["noisy_passes"] = {path: share for path, share in noisy}
    if noisy:
        print(
            f"NOISE: other tenants used more than {NOISY:.0%} of the machine during "
            + ", ".join(f"{path} ({share:.0%})" for path, share in noisy)
            + ". Those figures are unreliable: rerun when the machine is quiet (fairness note 5)."
        )
    passed = sum(goals.values())
    print(
        f"goals (PostgreSQL): {passed}/{len(goals)} passed"
        + (f"; failed: {sorted(failed)}" if failed else "")
    )
    (WORK / f"results-{stamp}.json").write_text(json.dumps(summary, indent=1) + "\n")
    log(f"saved {WORK}/results-{stamp}.json")
    if is_complete(args) and not failed:  # partial and quick runs stay in WORK only
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(summary, indent=1) + "\n")
        log("saved bench/results/latest.json")
    print(json.dumps(summary, separators=(",", ":")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
