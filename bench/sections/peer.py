"""Issue 3, "Speed", against a peer: MLflow's tracking server on this machine, in this run, driven
by the shared harness (../shared/bench/peer_mlflow/) with Waypoint's adapter registered in it.

Servers alternate (MLflow, Waypoint, MLflow, Waypoint: one pair per client connection mode), each
on a fresh database, as the harness's README asks. MLflow runs once per mode, in the first
engine's pass, on its own SQLite (the harness's standard setup); every Waypoint pass (PostgreSQL,
then SQLite) is compared with those same MLflow figures. The SQLite pass adds one more Waypoint
pass with SQLite in MLflow's journal mode (delete, synchronous FULL) for an aligned figure.
Goals (on PostgreSQL): >= 3x MLflow's log-metric requests/s and >= 3x its log-batch points/s,
`close` mode.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..common import (
    PYTHON,
    ROOT,
    WORK,
    Context,
    Database,
    Row,
    SectionResult,
    Server,
    free_port,
    log,
)
from ..waypoint_adapter import HARNESS

NAME = "peer"
TITLE = "Against MLflow's tracking server, same machine, same run (issue 3)"

MLFLOW_VERSION = "3.17.2"  # the version the shared harness's README measured
GOAL_RATIO = 3.0


class MlflowServer(Server):
    """`mlflow server` exactly as the harness's run.sh starts it (2 uvicorn workers, SQLite)."""

    name = "mlflow"
    ready_path = "/health"

    def __init__(self, port: int, workdir: Path, venv: Path, jobs: bool = True):
        super().__init__(port, workdir)
        self.venv = venv
        self.jobs = jobs
        self.log_path = workdir / "server.log"
        self.db = workdir / "mlflow.db"

    def command(self) -> list[str]:
        return [
            str(self.venv / "bin" / "mlflow"),
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "2",
            "--backend-store-uri",
            f"sqlite:///{self.db}",
            "--default-artifact-root",
            str(self.workdir / "artifacts"),
        ]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if not self.jobs:
            env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        return env

    def start(self, timeout: float = 120.0) -> Server:
        shutil.rmtree(self.workdir, ignore_errors=True)
        (self.workdir / "artifacts").mkdir(parents=True)
        return super().start(timeout)

    def stdout_file(self):
        return open(self.log_path, "w")  # noqa: SIM115 - the child process owns it

    def log_tail(self, n: int = 30) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def log_counts(self) -> dict[str, int]:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return {
            "server_log_error_lines": sum(
                1 for x in lines if "ERROR" in x or "Traceback" in x or "locked" in x
            ),
            "server_log_non2xx_access_lines": sum(
                1 for x in lines if ' HTTP/1.1" ' in x and ' HTTP/1.1" 2' not in x
            ),
        }


def ensure_mlflow(venv: Path) -> str:
    """MLflow in its own virtualenv under /tmp, installed with pip when missing (~45 s)."""
    mlflow = venv / "bin" / "mlflow"
    python = venv / "bin" / "python"
    if mlflow.exists():
        out = subprocess.run(
            [str(mlflow), "--version"], capture_output=True, text=True, timeout=120
        )
        if out.returncode == 0:
            return out.stdout.strip()
    log(f"installing mlflow=={MLFLOW_VERSION} into {venv} (about 45 s)")
    base = shutil.which("python3") or PYTHON
    subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, timeout=600)
    subprocess.run([*pip, f"mlflow=={MLFLOW_VERSION}"], check=True, timeout=1200)
    out = subprocess.run([str(mlflow), "--version"], capture_output=True, text=True, timeout=120)
    return out.stdout.strip()


def run_harness(
    ctx: Context, target: str, server: Server, mode: str, label: str, env: dict[str, str]
) -> dict[str, Any]:
    args = ctx.args
    details = server.workdir / "details.json"
    cmd = [
        PYTHON,
        "-m",
        "bench.waypoint_adapter",
        "--target",
        target,
        "--base-url",
        server.base_url,
        "--server-pid",
        str(server.pid),
        "--label",
        label,
        "--details-out",
        str(details),
        "--runs",
        str(args.peer_runs),
        "--duration",
        str(args.duration),
        "--read-calls",
        str(args.read_calls),
    ]
    if mode == "close":
        cmd.append("--no-keepalive")
    log(f"harness: {target} ({mode}) on {server.base_url}")
    result = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True, timeout=1800
    )
    if result.returncode != 0:
        raise RuntimeError(f"the harness failed for {target} ({mode}); its log is above")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    summary["server_ready_s"] = server.ready_s
    summary["workers"] = 2
    return summary


def _db_facts(db: Database) -> dict[str, Any]:
    if db.vendor != "sqlite":
        return {"db_bytes": db.size_bytes(), "database": db.vendor}
    mode = db.query("PRAGMA journal_mode")[0][0]
    return {"db_bytes": db.size_bytes(), "sqlite_journal_mode": mode}


def _g(summary: dict | None, *path: str):
    cur: Any = summary
    for key in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    return cur


def _ratio(a, b) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:,.1f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def run(ctx: Context) -> SectionResult:
    args = ctx.args
    if not HARNESS.exists():
        raise SystemExit(
            f"The MLflow peer harness is missing: {HARNESS} (make bench needs "
            "../shared/bench/peer_mlflow/ beside the repository)."
        )
    venv = Path(args.mlflow_venv)
    mlflow_version = None if args.no_mlflow else ensure_mlflow(venv)
    fx = ctx.fixtures
    wp_env = {
        "WAYPOINT_BENCH_TOKEN": ctx.tokens[fx["bench_user"]],
        "WAYPOINT_BENCH_PEER_PROJECTS": json.dumps(
            {"main": fx["projects"]["peer_main"], "throughput": fx["projects"]["peer_throughput"]}
        ),
    }
    runs: dict[str, dict] = {}
    # MLflow's figures, measured in the first engine's pass and compared with every pass.
    mlflow_runs: dict[str, dict] = ctx.shared.setdefault("mlflow_runs", {})
    ran_mlflow = False

    def mlflow_pass(mode: str) -> None:
        server = MlflowServer(free_port(5055), WORK / "mlflow", venv, jobs=not args.mlflow_no_jobs)
        gate = ctx.quiet()
        with server:
            s = run_harness(ctx, "mlflow", server, mode, f"mlflow/{mode}", {})
            s["job_runner"] = server.jobs
        s["quiet_gate"] = gate
        s.update(server.log_counts())
        s.update(_db_facts(Database.sqlite(server.db)))
        mlflow_runs[f"mlflow/{mode}"] = s

    def waypoint_pass(mode: str, journal: str = "wal") -> None:
        key = f"waypoint/{mode}" + ("" if journal == "wal" else f"/{journal}")
        server = ctx.waypoint("peer-" + key.replace("/", "-"), journal=journal)
        gate = ctx.quiet()
        with server:
            s = run_harness(ctx, "waypoint", server, mode, key, wp_env)
            s["server_config"] = server.config.describe(server.db.vendor)
            s.update(server.log_counts())
        s["quiet_gate"] = gate
        s.update(_db_facts(server.db))
        runs[key] = s

    for mode in args.modes:  # A-B-A-B: one MLflow pass, then one Waypoint pass, per mode
        if not args.no_mlflow and f"mlflow/{mode}" not in mlflow_runs:
            mlflow_pass(mode)
            ran_mlflow = True
        waypoint_pass(mode)
    if not args.no_aligned and ctx.engine == "sqlite":
        waypoint_pass("close", journal="delete")
    for key, value in mlflow_runs.items():
        runs[key] = value if ran_mlflow else {**value, "measured_in": "the first engine's pass"}
    return summarize(runs, mlflow_version, args)


def add_cpu_per_unit(s: dict) -> None:
    """Server and client CPU per unit of work: far less sensitive to other tenants than rates, so
    it shows what each server costs even when the machine is busy."""
    lm, lb = s.get("log_metric_concurrent") or {}, s.get("log_batch_concurrent") or {}
    cpu = {}
    if lm.get("ok") and lm.get("server_cpu_s") is not None:
        cpu["log_metric_ms"] = round(lm["server_cpu_s"] * 1000 / lm["ok"], 2)
        cpu["client_metric_ms"] = round(lm["client_cpu_s"] * 1000 / lm["ok"], 2)
    if lb.get("units") and lb.get("server_cpu_s") is not None:
        cpu["batch_ms_1k"] = round(lb["server_cpu_s"] * 1e6 / lb["units"], 2)
    s["cpu"] = cpu


def summarize(runs: dict[str, dict], mlflow_version: str | None, args) -> SectionResult:
    for s in runs.values():
        add_cpu_per_unit(s)
    rows: list[Row] = []
    goals: dict[str, bool] = {}
    headline = "close" if "close" in args.modes else args.modes[0]

    def compare(
        label: str, path: tuple[str, ...], mode: str, wp_key: str | None = None, goal=False
    ):
        wp = _g(runs.get(wp_key or f"waypoint/{mode}"), *path)
        ml = _g(runs.get(f"mlflow/{mode}"), *path)
        ratio = _ratio(wp, ml)
        row = Row(label, _fmt(wp), _fmt(ml), ratio)
        if goal:
            row.goal = f">= {GOAL_RATIO:g}x MLflow"
            row.passed = ratio is not None and ratio >= GOAL_RATIO
        rows.append(row)
        return row

    figures: dict[str, Any] = {"mlflow_version": mlflow_version, "headline_mode": headline}
    for mode in args.modes:
        tag = f"[{mode}]"
        r = compare(
            f"log-metric req/s, 4 threads {tag}",
            ("log_metric_concurrent", "req_per_s"),
            mode,
            goal=mode == headline,
        )
        if mode == headline:
            goals["log_metric_3x"] = bool(r.passed)
            figures["log_metric_ratio"] = r.ratio
        r = compare(
            f"log-batch points/s, 4 threads {tag}",
            ("log_batch_concurrent", "points_per_s"),
            mode,
            goal=mode == headline,
        )
        if mode == headline:
            goals["log_batch_3x"] = bool(r.passed)
            figures["log_batch_ratio"] = r.ratio
        compare(
            f"log-batch points/s, sequential populate {tag}",
            ("populate", "log_batch_points_per_s"),
            mode,
        )
        compare(f"log-metric p95 ms {tag}", ("log_metric_concurrent", "latency", "p95_ms"), mode)
        compare(f"server CPU ms per log-metric request {tag}", ("cpu", "log_metric_ms"), mode)
        compare(f"server CPU ms per 1,000 log-batch points {tag}", ("cpu", "batch_ms_1k"), mode)
        compare(f"client CPU ms per log-metric request {tag}", ("cpu", "client_metric_ms"), mode)
        compare(f"log-batch p95 ms {tag}", ("log_batch_concurrent", "latency", "p95_ms"), mode)
        compare(
            f"runs/create (experiment post) p50 ms {tag}",
            ("populate", "runs_create", "p50_ms"),
            mode,
        )
        compare(f"populate {args.peer_runs} runs, total s {tag}", ("populate", "total_s"), mode)
    if "waypoint/close/delete" in runs:
        compare(
            "log-metric req/s [close], Waypoint on journal_mode=delete",
            ("log_metric_concurrent", "req_per_s"),
            "close",
            "waypoint/close/delete",
        )
        compare(
            "log-batch points/s [close], Waypoint on journal_mode=delete",
            ("log_batch_concurrent", "points_per_s"),
            "close",
            "waypoint/close/delete",
        )
    m = headline
    compare(
        f"experiments/search ~ GET /projects, p50 ms [{m}]",
        ("reads", "experiments_search", "p50_ms"),
        m,
    )
    compare(
        f"runs/search (not like for like: project read) p50 ms [{m}]",
        ("reads", "runs_search", "p50_ms"),
        m,
    )
    compare(
        f"get-history (not like for like: project read) p50 ms [{m}]",
        ("reads", "metric_history", "p50_ms"),
        m,
    )
    compare(f"UI root GET p50 ms [{m}] (login page vs SPA shell)", ("ui", "root_get", "p50_ms"), m)
    compare(
        f"JS+CSS referenced by the UI root, bytes [{m}]", ("ui", "js_css_in_root_total_bytes"), m
    )
    compare(f"server PSS after load, MB [{m}]", ("server_after_load", "pss_mb_total"), m)
    compare(f"server RSS after load, MB [{m}]", ("server_after_load", "rss_mb_total"), m)
    for key, s in runs.items():
        errs = (_g(s, "log_metric_concurrent", "errors") or 0) + (
            _g(s, "log_batch_concurrent", "errors") or 0
        )
        rows.append(
            Row(
                f"{key}: request errors / server log error lines / other tenants' CPU share",
                f"{errs} / {s.get('server_log_error_lines')} / {_g(s, 'host', 'other_cpu_share')}",
            )
        )
    figures["runs"] = runs
    return SectionResult(figures, rows, goals)
