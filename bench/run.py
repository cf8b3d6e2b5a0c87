"""`make bench`: set up a fresh seeded SQLite database under /tmp, run each section against the app
under gunicorn (and the peers it compares with), print a table, save the figures, and print them
as one JSON object on the last stdout line. Progress goes to stderr.

    python -m bench.run [--only api,peer] [--quick] [--help]

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
from .common import WORK, Context, GunicornConfig, Row, SectionResult, log, manage, run_module
from .sections import api, backup, demos, digests, drift, monitoring, peer, portfolio

SECTIONS = [api, peer, portfolio, demos, drift, monitoring, digests, backup]
RESULTS = common.ROOT / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="make bench ARGS=...", description=__doc__)
    names = [s.NAME for s in SECTIONS]
    ap.add_argument("--only", default=",".join(names), help=f"sections to run: {names}")
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
    ap.add_argument("--quick", action="store_true", help="short phases, close mode only (~1 min)")
    args = ap.parse_args(argv)
    if args.quick:
        args.duration, args.batches, args.page_calls = 3.0, 20, 30
        args.read_calls, args.peer_runs, args.modes = 20, 50, "close"
    args.only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.only) - set(names)
    if unknown:
        ap.error(f"unknown sections {sorted(unknown)}; choose from {names}")
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not set(args.modes) <= {"close", "keepalive"}:
        ap.error("--modes takes close and/or keepalive")
    return args


def setup(args: argparse.Namespace) -> Context:
    """A fresh database under WORK: migrate, seed_demo, bench fixtures, static files. Every
    server run gets its own copy of it."""
    WORK.mkdir(parents=True, exist_ok=True)
    for path in WORK.iterdir():  # everything but the sections' caches (see bench/README.md)
        if path.name == portfolio.CACHE.name:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    snapshot = WORK / "seed.sqlite3"
    t0 = time.perf_counter()
    log(f"setup: migrate, seed_demo, fixtures, collectstatic into {WORK}")
    manage(snapshot, "migrate", "--noinput", "-v0")
    manage(snapshot, "seed_demo")
    fixtures = run_module(snapshot, "bench.fixtures")
    manage(snapshot, "collectstatic", "--noinput", "-v0")
    con = sqlite3.connect(snapshot)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    tokens = fixtures.pop("tokens")
    log(
        f"setup done in {time.perf_counter() - t0:.1f} s: {fixtures['portfolio_projects']} "
        f"projects; pages timed on {fixtures['demo_project']}"
    )
    config = GunicornConfig(
        worker_class=args.worker_class,
        threads=args.threads,
    )
    return Context(args, snapshot, fixtures, tokens, config, args.port)


def table(ctx: Context, errors: dict[str, str]) -> str:
    head = ("metric", "Waypoint", "MLflow", "Waypoint/MLflow", "goal", "result")
    lines = []
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
    """A run of every section, full length, against MLflow."""
    return set(args.only) == {s.NAME for s in SECTIONS} and not args.quick and not args.no_mlflow


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
    errors: dict[str, str] = {}
    ctx: Context | None = None
    try:
        ctx = setup(args)
        for section in SECTIONS:
            if section.NAME not in args.only:
                continue
            log(f"section {section.NAME}: {section.TITLE}")
            try:
                result: SectionResult = section.run(ctx)
                ctx.results[section.NAME] = result
            except (Exception, SystemExit) as e:
                traceback.print_exc(file=sys.stderr)
                errors[section.NAME] = f"{type(e).__name__}: {e}"
    except common.Interrupted as e:
        log(f"interrupted ({e}); servers stopped")
        return e.code
    finally:
        common.stop_all()
    if ctx is None:
        return 1
    goals = {
        f"{name}.{goal}": passed
        for name, r in ctx.results.items()
        for goal, passed in r.goals.items()
    }
    summary: dict[str, Any] = {
        "bench": "waypoint",
        "stamp": stamp,
        "wall_s": round(time.perf_counter() - started, 1),
        "host": {"nproc": os.cpu_count(), "loadavg_end": [round(x, 2) for x in os.getloadavg()]},
        "server": ctx.config.describe(),
        "options": {k: v for k, v in vars(args).items()},
        "fixtures": ctx.fixtures,
        "goals": goals,
        "all_goals_passed": bool(goals) and all(goals.values()) and not errors,
        "errors": errors,
        "sections": {name: r.figures for name, r in ctx.results.items()},
    }
    print(f"# make bench ({stamp}, {ctx.config.describe()}, {summary['wall_s']} s)")
    print(table(ctx, errors))
    print()
    noisy = noisy_passes(summary["sections"])
    summary["noisy_passes"] = {path: share for path, share in noisy}
    if noisy:
        print(
            f"NOISE: other tenants used more than {NOISY:.0%} of the machine during "
            + ", ".join(f"{path} ({share:.0%})" for path, share in noisy)
            + ". Those figures are unreliable: rerun when the machine is quiet (fairness note 5)."
        )
    passed = sum(goals.values())
    print(
        f"goals: {passed}/{len(goals)} passed"
        + (f"; sections failed: {list(errors)}" if errors else "")
    )
    (WORK / f"results-{stamp}.json").write_text(json.dumps(summary, indent=1) + "\n")
    log(f"saved {WORK}/results-{stamp}.json")
    if is_complete(args) and not errors:  # partial and quick runs stay in WORK only
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(summary, indent=1) + "\n")
        log("saved bench/results/latest.json")
    print(json.dumps(summary, separators=(",", ":")))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
