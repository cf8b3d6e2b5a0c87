"""Issue 5, "Speed and scale": a 1,000,000-row upload, the stakeholder page on it, a scale change.

Production-like when redis-server is installed: the app under gunicorn, a private Redis on a free
loopback port, and one Celery worker (prefork, concurrency 1) that runs the upload task; all three
on the same database (each engine's) and media directory, all stopped by PID. Without
redis-server the task runs eagerly inside the gunicorn worker that took the upload (said so in
the figures).

Goals: upload (POST to job succeeded) <= 20 s; peak memory of the process that ran the task
<= 1 GB; stakeholder page p95 <= 150 ms (first page, a label filter, a deep page, text search);
a scale change visible on the stakeholder page <= 2 s after the save.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..common import (
    BIN,
    ROOT,
    WORK,
    Context,
    CpuMeter,
    Database,
    Row,
    SectionResult,
    Server,
    WaypointServer,
    app_env,
    check,
    free_port,
    lat_summary,
    log,
    login_session,
    proc_tree,
    token_session,
)

NAME = "demos"
TITLE = "Demo pages: 1,000,000-row upload, stakeholder page, scale change (issue 5)"

ROWS = 1_000_000
SEED = 5
RARE_WORD = "zephyrine"  # in RARE_ROWS rows only: a search that must look at every row
RARE_ROWS = 12
COMMON_WORD = "refund"
UPLOAD_GOAL_S = 20.0
MEMORY_GOAL_MB = 1024.0
PAGE_P95_GOAL_MS = 150.0
SCALE_GOAL_S = 2.0
SCALE_CHANGES = 3
JOB_TIMEOUT_S = 300.0

SUBJECTS = ["Order", "Invoice", "Parcel", "Account", "Booking", "Ticket", "Payment", "Return"]
TOPICS = [
    "refund request",
    "late delivery",
    "address change",
    "double charge",
    "cancellation",
    "login problem",
    "damaged item",
    "missing receipt",
    "upgrade question",
    "wrong size",
]
OPENINGS = ["Customer asks about", "Follow-up on", "Complaint about", "Question on", "Chat about"]
CLOSINGS = ["after two emails", "on the phone", "via the app", "in store", "since Monday", ""]


def write_csv(path: Path, rows: int = ROWS, seed: int = SEED) -> dict[str, Any]:
    """The upload: id, score, title, text; the same bytes for the same rows and seed."""
    rng = np.random.default_rng(seed)
    subjects = np.asarray(SUBJECTS, dtype=object)[rng.integers(0, len(SUBJECTS), rows)]
    topics = np.asarray(TOPICS, dtype=object)[rng.integers(0, len(TOPICS), rows)]
    openings = np.asarray(OPENINGS, dtype=object)[rng.integers(0, len(OPENINGS), rows)]
    closings = np.asarray(CLOSINGS, dtype=object)[rng.integers(0, len(CLOSINGS), rows)]
    numbers = rng.integers(1000, 99999, rows).astype(str).astype(object)
    text = openings + " " + topics + " " + closings
    rare = rng.choice(rows, RARE_ROWS, replace=False)
    text[rare] = text[rare] + " " + RARE_WORD
    frame = pd.DataFrame(
        {
            "id": [f"ex-{n:07d}" for n in range(rows)],
            "score": np.round(rng.beta(2, 2, rows), 4),
            "title": subjects + " " + numbers,
            "text": text,
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return {"rows": rows, "bytes": path.stat().st_size, "rare_word_rows": RARE_ROWS}


# --------------------------------------------------------------------------- processes


class RedisServer(Server):
    name = "redis"

    def command(self) -> list[str]:
        return [
            shutil.which("redis-server") or "redis-server",
            "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.workdir),
        ]  # fmt: skip

    def is_ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class CeleryWorker(Server):
    """`celery worker` of the app: prefork with one child, which runs the upload task."""

    name = "celery"

    def __init__(self, workdir: Path, env: dict[str, str]):
        super().__init__(0, workdir)
        self._env = env
        self.log_path = workdir / "celery.log"
        self.base_url = "celery"

    def command(self) -> list[str]:
        return [
            str(BIN / "celery"), "-A", "config", "worker", "--pool", "prefork",
            "--concurrency", "1", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip

    def cwd(self) -> Path:
        return ROOT

    def env(self) -> dict[str, str]:
        return self._env

    def start(self, timeout: float = 90.0) -> Server:
        self.log_path.unlink(missing_ok=True)
        return super().start(timeout)

    def stdout_file(self):
        return self.log_path.open("wb")

    def is_ready(self) -> bool:
        return self.log_path.exists() and b" ready." in self.log_path.read_bytes()

    def log_tail(self, n: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])


class AppServer(WaypointServer):
    """The app under gunicorn with the broker and media directory of this section."""

    def __init__(self, *args, extra_env: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_env = extra_env

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.extra_env}


def peak_rss_mb(root_pid: int) -> dict[str, Any]:
    """The largest high-water mark (VmHWM: peak resident memory) among the tree's processes."""
    peaks = {}
    for pid in proc_tree(root_pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if match:
            peaks[pid] = round(int(match.group(1)) / 1024, 1)
    top = max(peaks, key=peaks.get) if peaks else None
    return {"peak_mb": peaks.get(top), "pid": top, "per_process_mb": peaks}


class PeakSampler:
    """Polls the tree's peak memory while an upload runs (children may come and go)."""

    def __init__(self, root_pid: int):
        self.root_pid = root_pid
        self.best: dict[str, Any] = {"peak_mb": None}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._take()
            self._stop.wait(0.2)

    def _take(self) -> None:
        now = peak_rss_mb(self.root_pid)
        if now["peak_mb"] is not None and (now["peak_mb"] > (self.best["peak_mb"] or 0)):
            self.best = now

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._take()


# --------------------------------------------------------------------------- the run


def _upload(api: str, token: str, demo_id: int, csv_path: Path) -> dict[str, Any]:
    """POST the file, then poll the job every 100 ms until it ends."""
    session = token_session(token)
    session.headers.pop("Content-Type")
    t0 = time.perf_counter()
    with csv_path.open("rb") as handle:
        response = session.post(
            f"{api}/demos/{demo_id}/datasets",
            files={"file": ("bench-1m.csv", handle, "text/csv")},
            data={"model_version": "bench-1m", "display_columns": "title,text"},
            timeout=JOB_TIMEOUT_S,
        )
    accepted_s = time.perf_counter() - t0
    body = check(response, 202).json()
    job: dict[str, Any] = {}
    progress = []
    while time.perf_counter() - t0 < JOB_TIMEOUT_S:
        job = check(session.get(body["job_url"], timeout=30), 200).json()
        progress.append((round(time.perf_counter() - t0, 2), job["progress"]))
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    total_s = time.perf_counter() - t0
    if job.get("status") != "succeeded":
        raise RuntimeError(f"upload job did not succeed: {job}")
    # Progress at each whole second: where the time goes (reading/checking up to 20 %).
    marks = {}
    for at, value in progress:
        marks.setdefault(int(at), value)
    return {
        "accepted_s": round(accepted_s, 2),
        "succeeded_s": round(total_s, 2),
        "dataset": job["dataset"],
        "progress_by_second": marks,
    }


def _deep_cursor(db: Database, dataset_id: int, offset: int) -> int:
    """An example id half-way down the score order: the cursor of a deep page."""
    rows = db.query(
        "SELECT id FROM demos_example WHERE dataset_id = ? "
        "ORDER BY score DESC, id DESC LIMIT 1 OFFSET ?",
        (dataset_id, offset),
    )
    return rows[0][0]


SCALES = [
    ("Bench strong", "Bench middle", "Bench weak"),
    ("Bench high", "Bench medium", "Bench low"),
]


def _scale_form(csrf: str, labels: tuple[str, str, str], thresholds=("0.8", "0.45")) -> dict:
    data = {"csrfmiddlewaretoken": csrf, "op": "save", "kind": "bands", "band_count": "3"}
    colours = ["#1f7a3a", "#b07a00", "#a33a2a"]
    for i, label in enumerate(labels):
        data[f"band-{i}-label"] = label
        data[f"band-{i}-colour"] = colours[i]
        data[f"band-{i}-description"] = f"{label} (set by make bench)"
        if i < 2:
            data[f"band-{i}-min"] = thresholds[i]
    return data


def _timed(fn, n: int, budget_s: float = 20.0, warmup: int = 4) -> tuple[list[float], Any]:
    """Up to n timed calls after a warm-up, stopping early once budget_s is spent (a slow page
    still gets at least 10 calls)."""
    for _ in range(warmup):
        fn()
    lat: list[float] = []
    info = None
    start = time.perf_counter()
    while len(lat) < n and (len(lat) < 10 or time.perf_counter() - start < budget_s):
        a = time.perf_counter()
        info = fn()
        lat.append(time.perf_counter() - a)
    return lat, info


def run(ctx: Context) -> SectionResult:
    args = ctx.args
    fx = ctx.fixtures
    slug = fx["projects"]["api"]
    figures: dict[str, Any] = {}
    rows: list[Row] = []
    goals: dict[str, bool] = {}
    workdir = WORK / ctx.engine / "demos-task"
    workdir.mkdir(parents=True, exist_ok=True)

    csv_path = workdir / "bench-1m.csv"
    t0 = time.perf_counter()
    figures["file"] = write_csv(csv_path)
    log(f"wrote {csv_path} ({figures['file']['bytes'] / 1e6:.1f} MB) in "
        f"{time.perf_counter() - t0:.1f} s")  # fmt: skip

    media = workdir / "media"
    shutil.rmtree(media, ignore_errors=True)
    extra = {"MEDIA_ROOT": str(media)}
    redis = None
    if shutil.which("redis-server"):
        redis = RedisServer(free_port(6390), workdir)
        redis.start()
        extra["REDIS_URL"] = redis.url
        mode = "Celery worker (prefork, 1 child) with Redis"
    else:
        mode = "eager: the task runs inside the gunicorn worker (no redis-server installed)"
    figures["task_runner"] = mode
    figures["quiet_gate"] = ctx.quiet()

    plain = ctx.waypoint("demos")  # a fresh copy of the seeded database
    server = AppServer(
        plain.port, plain.workdir, plain.db, plain.config, extra_env=extra
    )  # the same, with the broker and media directory
    worker = None
    try:
        server.start()
        if redis is not None:
            worker = CeleryWorker(workdir, app_env(server.db, **extra))
            worker.start()
        base = server.base_url
        api = base + "/api/v1"
        owner = token_session(ctx.tokens[fx["bench_user"]])
        demo = check(
            owner.post(
                f"{api}/projects/{slug}/demos",
                json={"title": "Support tickets: urgent or not", "intro": "Bench demo."},
                timeout=30,
            ),
            201,
        ).json()
        demo_id = demo["id"]

        # -- the upload
        log(f"upload: {ROWS:,} rows through POST /api/v1/demos/{demo_id}/datasets ({mode})")
        runner_pid = worker.pid if worker else server.pid
        before = peak_rss_mb(runner_pid)
        with CpuMeter(runner_pid) as cpu, PeakSampler(runner_pid) as peak:
            upload = _upload(api, ctx.tokens[fx["bench_user"]], demo_id, csv_path)
        upload["cpu"] = cpu.result
        upload["memory_before_mb"] = before["peak_mb"]
        upload["peak_memory"] = peak.best
        figures["upload"] = upload
        log(
            f"upload: 202 after {upload['accepted_s']} s, succeeded after "
            f"{upload['succeeded_s']} s; peak {upload['peak_memory']['peak_mb']} MB"
        )
        dataset_id = upload["dataset"]["id"]
        stored = upload["dataset"]["rows"]
        ok = upload["succeeded_s"] <= UPLOAD_GOAL_S and stored == ROWS
        rows.append(
            Row(
                f"upload {ROWS:,} rows (CSV {figures['file']['bytes'] / 1e6:.0f} MB): POST to "
                f"job succeeded; {stored:,} rows stored",
                f"{upload['succeeded_s']} s (202 after {upload['accepted_s']} s)",
                goal=f"<= {UPLOAD_GOAL_S:g} s",
                passed=ok,
            )
        )
        goals["upload_s"] = ok
        peak_mb = upload["peak_memory"]["peak_mb"] or 0.0
        ok = peak_mb <= MEMORY_GOAL_MB
        where = "Celery worker child" if worker else "gunicorn worker"
        rows.append(
            Row(
                f"peak memory of the process that ran the task ({where}, VmHWM)",
                f"{peak_mb:.0f} MB (at start {before['peak_mb'] or 0:.0f} MB)",
                goal=f"<= {MEMORY_GOAL_MB:.0f} MB",
                passed=ok,
            )
        )
        goals["upload_peak_memory"] = ok

        # -- the stakeholder page
        page = login_session(base, fx["bench_user"])
        view = f"{base}/projects/{slug}/demos/{demo_id}/view/"
        deep = _deep_cursor(server.db, dataset_id, ROWS // 2)
        a = time.perf_counter()
        check(page.get(view, timeout=60), 200)
        figures["first_view_after_upload_ms"] = round((time.perf_counter() - a) * 1000, 1)
        kinds = [
            ("first page", ""),
            ("filtered by a label", "?label=1"),
            ("deep page (500,000 rows down)", f"?after={deep}"),
            (f"search, common word “{COMMON_WORD}”", f"?q={COMMON_WORD}"),
            (f"search, rare word “{RARE_WORD}” ({RARE_ROWS} rows)", f"?q={RARE_WORD}"),
        ]
        page_figures = {}
        all_ok = True
        for kind, query in kinds:
            url = view + query

            def get(url=url):
                body = check(page.get(url, timeout=60), 200).text
                if "data-card" not in body and "example-" not in body:
                    raise RuntimeError(f"no example cards on {url}")
                return len(body)

            ctx.quiet()
            with CpuMeter(server.pid) as cpu:
                lat, size = _timed(get, args.page_calls)
            summary = {**lat_summary(lat), "bytes": size, "cpu": cpu.result}
            page_figures[kind] = summary
            log(f"page, {kind}: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms")
            ok = summary["p95_ms"] <= PAGE_P95_GOAL_MS
            all_ok = all_ok and ok
            rows.append(
                Row(
                    f"stakeholder page, {kind}: p50 / p95",
                    f"{summary['p50_ms']:.0f} / {summary['p95_ms']:.0f} ms",
                    goal=f"p95 <= {PAGE_P95_GOAL_MS:g} ms",
                    passed=ok,
                )
            )
        figures["stakeholder_page"] = page_figures
        goals["stakeholder_page_p95"] = all_ok

        # -- a scale change taking effect
        team_url = f"{base}/projects/{slug}/demos/{demo_id}/"
        check(page.get(team_url, timeout=60), 200)
        changes = []
        for n in range(SCALE_CHANGES):
            labels = SCALES[n % len(SCALES)]
            form = _scale_form(page.cookies["csrftoken"], labels, ("0.8", f"0.{45 + n}"))
            a = time.perf_counter()
            saved = page.post(
                team_url + "scale/", data=form, headers={"Referer": team_url}, timeout=60,
                allow_redirects=False,
            )  # fmt: skip
            saved_s = time.perf_counter() - a
            if saved.status_code != 302:
                raise RuntimeError(f"scale save answered {saved.status_code}")
            seen_s = None
            polls = 0
            while time.perf_counter() - a < 30:
                polls += 1
                body = check(page.get(view, timeout=60), 200).text
                if labels[0] in body and labels[2] in body:
                    seen_s = time.perf_counter() - a
                    break
            # The other gunicorn worker counts the new bands on its first view too.
            b = time.perf_counter()
            for _ in range(4):
                check(page.get(view + "?label=0", timeout=60), 200)
            changes.append(
                {
                    "save_s": round(saved_s, 3),
                    "visible_s": None if seen_s is None else round(seen_s, 3),
                    "polls": polls,
                    "next_4_views_s": round(time.perf_counter() - b, 3),
                }
            )
        figures["scale_change"] = changes
        worst = max((c["visible_s"] or float("inf")) for c in changes)
        ok = worst <= SCALE_GOAL_S
        rows.append(
            Row(
                f"scale change on the 1M-row demo: save to new labels on the stakeholder page "
                f"(worst of {SCALE_CHANGES})",
                f"{worst:.2f} s (save {max(c['save_s'] for c in changes):.2f} s)",
                goal=f"<= {SCALE_GOAL_S:g} s",
                passed=ok,
            )
        )
        goals["scale_change_s"] = ok
        figures["server_logs"] = server.log_counts()
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
        if redis is not None:
            redis.stop()
        csv_path.unlink(missing_ok=True)
    return SectionResult(figures, rows, goals)
