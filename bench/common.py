"""What every bench section shares: paths, the servers under test (started and always stopped by
PID), timing and percentiles, a bounded concurrent load loop, and CPU accounting.

All load goes to 127.0.0.1 only, and every loop is bounded in time.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("WAYPOINT_BENCH_WORK", "/tmp/waypoint-bench"))  # noqa: S108
PYTHON = sys.executable
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "waypoint-demo"  # noqa: S105 - the published password of seed_demo's logins
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- statistics


def pct(values: list[float], p: float) -> float | None:
    """Percentile with linear interpolation (as the MLflow harness computes it)."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def r2(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def lat_summary(seconds: list[float]) -> dict[str, Any]:
    ms = [x * 1000.0 for x in seconds]
    return {
        "n": len(ms),
        "p50_ms": r2(pct(ms, 50)),
        "p95_ms": r2(pct(ms, 95)),
        "p99_ms": r2(pct(ms, 99)),
        "max_ms": r2(max(ms)) if ms else None,
    }


# --------------------------------------------------------------------------- CPU accounting (/proc)


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def proc_tree(root_pid: int) -> list[int]:
    """root_pid and its live descendants (walks ppid links in /proc; never matches by name)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        raw = _read(f"/proc/{d}/stat")
        if raw:
            text = raw.decode(errors="replace")
            children.setdefault(int(text[text.rfind(")") + 2 :].split()[1]), []).append(int(d))
    out, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        if _read(f"/proc/{pid}/stat") is not None:
            out.append(pid)
            stack.extend(children.get(pid, []))
    return out


def tree_cpu_s(root_pid: int) -> float:
    total = 0.0
    for pid in proc_tree(root_pid):
        raw = _read(f"/proc/{pid}/stat")
        if raw:
            text = raw.decode(errors="replace")
            f = text[text.rfind(")") + 2 :].split()
            total += (int(f[11]) + int(f[12])) / CLK_TCK
    return total


def tree_memory_mb(root_pid: int) -> dict[str, float]:
    rss = pss = 0
    for pid in proc_tree(root_pid):
        for line in (_read(f"/proc/{pid}/status") or b"").decode().splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1])
        for line in (_read(f"/proc/{pid}/smaps_rollup") or b"").decode().splitlines():
            if line.startswith("Pss:"):
                pss += int(line.split()[1])
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1)}


def host_busy_cpu_s() -> float:
    fields = (_read("/proc/stat") or b"").decode().splitlines()[0].split()[1:]
    v = [int(x) for x in fields]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)) / CLK_TCK


def database_cpu_s() -> float:
    """CPU of the bench's PostgreSQL server: its live processes, and the backends that ended
    (the postmaster's reaped children)."""
    total = 0.0
    for server in _running_pg:
        pid = server.pid()
        raw = _read(f"/proc/{pid}/stat") if pid else None
        if raw:
            f = raw.decode(errors="replace")
            f = f[f.rfind(")") + 2 :].split()
            total += tree_cpu_s(pid) + (int(f[13]) + int(f[14])) / CLK_TCK
    return total


class CpuMeter:
    """CPU of the server tree, of the bench's PostgreSQL server, of this client process, and of
    everything else on the machine (other tenants: a noise indicator) between start() and
    stop()."""

    def __init__(self, server_pid: int | None):
        self.server_pid = server_pid

    def __enter__(self) -> CpuMeter:
        self.t0 = time.perf_counter()
        self.host0 = host_busy_cpu_s()
        self.srv0 = tree_cpu_s(self.server_pid) if self.server_pid else 0.0
        self.db0 = database_cpu_s()
        self.cli0 = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        wall = time.perf_counter() - self.t0
        srv = (tree_cpu_s(self.server_pid) if self.server_pid else 0.0) - self.srv0
        db = database_cpu_s() - self.db0
        cli = time.process_time() - self.cli0
        other = host_busy_cpu_s() - self.host0 - srv - db - cli
        self.result = {
            "wall_s": round(wall, 2),
            "server_cpu_s": round(srv, 2),
            "database_cpu_s": round(db, 2),
            "client_cpu_s": round(cli, 2),
            "other_cpu_s": round(other, 2),
            "other_cpu_share": round(max(other, 0.0) / (wall * (os.cpu_count() or 1)), 3),
        }


def wait_for_quiet(max_wait: float, threshold: float = 0.25, window: float = 2.0) -> dict:
    """Before a pass, wait (at most `max_wait` s) until the rest of the machine uses less than
    `threshold` of all cores over a `window`: other tenants share these 2 cores (fairness note 5).
    Returns how long it waited and the last share seen."""
    t0 = time.perf_counter()
    ncpu = os.cpu_count() or 1
    announced = False
    while True:
        h0 = host_busy_cpu_s()
        time.sleep(window)
        share = (host_busy_cpu_s() - h0) / (window * ncpu)
        waited = time.perf_counter() - t0
        if share < threshold or waited >= max_wait:
            break
        if not announced:
            log(f"machine busy ({share:.0%} of it used by others); waiting up to {max_wait:g} s")
            announced = True
    return {"waited_s": round(waited, 1), "busy_share": round(share, 3)}


# --------------------------------------------------------------------------- load loops


@dataclass
class LoadResult:
    threads: int
    wall_s: float
    ok: int = 0
    errors: int = 0
    units: int = 0
    locked: int = 0
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    def summary(self, unit: str = "requests") -> dict[str, Any]:
        return {
            "threads": self.threads,
            "wall_s": round(self.wall_s, 2),
            "ok": self.ok,
            "errors": self.errors,
            "database_locked": self.locked,
            "error_samples": self.error_samples[:3],
            unit: self.units,
            "latency": lat_summary(self.latencies),
        }


class RequestFailed(RuntimeError):
    pass


def check(response: requests.Response, expected: int) -> requests.Response:
    """An error is any unexpected status or a body that reports an error."""
    if response.status_code != expected:
        raise RequestFailed(f"{response.status_code}: {response.text[:200]}")
    return response


def run_concurrent(
    threads: int,
    duration: float,
    body: Callable[[int, dict], int],
    setup: Callable[[int], dict] | None = None,
) -> LoadResult:
    """`body(thread, state)` in a loop on `threads` threads for `duration` seconds. It returns the
    units of work done (requests, points); an exception counts as one error."""
    results: list[LoadResult] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)
    stop_at = [0.0]

    def worker(t: int) -> None:
        state = setup(t) if setup else {}
        res = LoadResult(threads=1, wall_s=0.0)
        barrier.wait()
        while (a := time.perf_counter()) < stop_at[0]:
            try:
                res.units += body(t, state)
                res.latencies.append(time.perf_counter() - a)
                res.ok += 1
            except Exception as e:  # counted, and the loop goes on
                res.errors += 1
                if "locked" in str(e):
                    res.locked += 1
                if len(res.error_samples) < 3:
                    res.error_samples.append(f"{type(e).__name__}: {str(e)[:200]}")
        with lock:
            results.append(res)

    pool = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(threads)]
    for th in pool:
        th.start()
    stop_at[0] = time.perf_counter() + duration + 1e6  # set properly once all are ready
    barrier.wait()
    t0 = time.perf_counter()
    stop_at[0] = t0 + duration
    for th in pool:
        th.join(timeout=duration + 120)
    total = LoadResult(threads=threads, wall_s=time.perf_counter() - t0)
    for r in results:
        total.ok += r.ok
        total.errors += r.errors
        total.units += r.units
        total.locked += r.locked
        total.latencies += r.latencies
        total.error_samples += r.error_samples
    return total


def timed_calls(fn: Callable[[], Any], n: int, warmup: int = 3) -> tuple[list[float], Any]:
    for _ in range(warmup):
        fn()
    lat, info = [], None
    for _ in range(n):
        a = time.perf_counter()
        info = fn()
        lat.append(time.perf_counter() - a)
    return lat, info


# --------------------------------------------------------------------------- processes


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {preferred}")


_running: list[Server] = []


def stop_all() -> None:
    for server in list(_running):
        server.stop()
    _stop_postgres()


atexit.register(stop_all)


class Interrupted(BaseException):
    """A signal arrived: stop the servers and end the run (no further section runs)."""

    def __init__(self, signum: int):
        super().__init__(f"signal {signum}")
        self.code = 128 + signum


def _on_signal(signum, frame):
    stop_all()
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


class Server:
    """A server process under test, started in its own session and stopped by PID: SIGTERM to
    the root, up to 30 s for the recorded tree to exit, then SIGKILL one PID at a time."""

    name = "server"
    ready_path = "/"

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.base_url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.ready_s: float | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def cwd(self) -> Path:
        return self.workdir

    def log_tail(self, n: int = 30) -> str:
        return ""

    def start(self, timeout: float = 90.0) -> Server:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} already answers; refusing to start")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.cwd(),
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self.stdout_file(),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _running.append(self)
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} died at start:\n{self.log_tail()}")
            if self.is_ready():
                self.ready_s = round(time.perf_counter() - t0, 2)
                log(f"{self.name} ready on {self.base_url} (pid {self.pid}, {self.ready_s} s)")
                return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout} s:\n{self.log_tail()}")

    def is_ready(self) -> bool:
        """Polled after start until true (a server that does not speak HTTP overrides it)."""
        with contextlib.suppress(requests.RequestException):
            return requests.get(self.base_url + self.ready_path, timeout=2).status_code == 200
        return False

    def stdout_file(self):
        return subprocess.DEVNULL

    def stop(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if self in _running:
            _running.remove(self)
        tree = proc_tree(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        deadline = time.time() + 30
        alive = tree
        while time.time() < deadline:
            proc.poll()
            alive = [p for p in tree if _alive(p)]
            if not alive:
                break
            time.sleep(0.2)
        for pid in alive:
            log(f"{self.name}: pid {pid} still alive after 30 s, SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        log(f"{self.name} stopped (pid {proc.pid})")

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _alive(pid: int) -> bool:
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return False
    text = stat.decode(errors="replace")
    return text[text.rfind(")") + 2 :].split()[0] != "Z"


# --------------------------------------------------------------------------- Waypoint


@dataclass(frozen=True)
class GunicornConfig:
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    journal: str = "wal"  # SQLite only; or "delete": SQLite as MLflow runs it (bench/settings.py)

    def describe(self, vendor: str = "sqlite") -> str:
        threads = f", {self.threads} threads" if self.worker_class == "gthread" else ""
        kind = f"{self.worker_class}{threads}"
        engine = f"SQLite {self.journal}" if vendor == "sqlite" else "PostgreSQL"
        return f"gunicorn {self.workers} workers, {kind}, {engine}"


# --------------------------------------------------------------------------- databases

ENGINES = ("postgresql", "sqlite")
PG_DATA = WORK / "postgres"  # the bench's PostgreSQL data directory, kept between runs


@dataclass(frozen=True)
class Database:
    """One database of one engine, as the app and the probes reach it."""

    url: str
    vendor: str  # "sqlite" or "postgresql"
    path: Path | None = None  # the SQLite file
    name: str | None = None  # the PostgreSQL database

    @classmethod
    def sqlite(cls, path: Path) -> Database:
        return cls(f"sqlite:///{path}", "sqlite", path=path)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of one read (placeholders written `?`), on a connection of its own."""
        if self.vendor == "sqlite":
            import sqlite3

            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                return con.execute(sql, params).fetchall()
            finally:
                con.close()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as con:
            return con.execute(sql.replace("?", "%s"), params).fetchall()  # type: ignore[arg-type]

    def size_bytes(self) -> int:
        if self.vendor == "sqlite":
            assert self.path is not None
            return self.path.stat().st_size
        return self.query("SELECT pg_database_size(current_database())")[0][0]


class BenchPostgres:
    """The one PostgreSQL server of a bench run: scripts/with_services.py's `Postgres`, durable
    and tuned (its DURABLE_SETTINGS), on a data directory kept under WORK between runs (the
    portfolio's seeded database lives there). Stopped in finally/atexit like the other servers."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT / "scripts"))
        from with_services import Postgres

        PG_DATA.mkdir(parents=True, exist_ok=True)
        PG_DATA.chmod(0o755)  # the postgres user must reach its data folder inside
        self.server = Postgres(PG_DATA, durable=True)
        self.settings = dict(self.server.settings)
        self.base = ""

    def start(self) -> BenchPostgres:
        t0 = time.perf_counter()
        self.base = self.server.start().rsplit("/", 1)[0]
        _running_pg.append(self)
        log(f"postgresql ready on port {self.server.port} ({time.perf_counter() - t0:.1f} s)")
        return self

    def stop(self) -> None:
        if self in _running_pg:
            _running_pg.remove(self)
            self.server.stop()
            log("postgresql stopped")

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def pid(self) -> int | None:
        """The postmaster's PID (the first line of postmaster.pid)."""
        raw = _read(str(self.server.data / "postmaster.pid"))
        return int(raw.split()[0]) if raw else None

    def admin(self, *statements: str) -> list[tuple]:
        import psycopg

        rows: list[tuple] = []
        with psycopg.connect(self.url("postgres"), autocommit=True) as con:
            for statement in statements:
                cur = con.execute(statement)  # type: ignore[arg-type]
                rows = cur.fetchall() if cur.description else []
        return rows

    def databases(self) -> list[str]:
        return [r[0] for r in self.admin("SELECT datname FROM pg_database WHERE NOT datistemplate")]

    def drop(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def create(self, name: str, template: str | None = None) -> Database:
        """A new database: empty, or a copy of `template` (CREATE DATABASE ... TEMPLATE)."""
        self.drop(name)
        statement = f'CREATE DATABASE "{name}"'
        if template:
            statement += f' TEMPLATE "{template}"'
        self.admin(statement)
        return self.database(name)

    def database(self, name: str) -> Database:
        return Database(self.url(name), "postgresql", name=name)

    def facts(self) -> dict[str, str]:
        names = ", ".join(f"'{k}'" for k in self.settings)
        rows = self.admin(f"SELECT name, setting, unit FROM pg_settings WHERE name IN ({names})")  # noqa: S608
        version = self.admin("SHOW server_version")[0][0]
        return {"server_version": version, **{n: f"{v}{u or ''}" for n, v, u in rows}}


_running_pg: list[BenchPostgres] = []


def _stop_postgres() -> None:
    for server in list(_running_pg):
        server.stop()


def pg_name(name: str) -> str:
    return "b_" + "".join(c if c.isalnum() else "_" for c in name.lower())[:60]


def app_env(db: Database, **extra: str) -> dict[str, str]:
    """The environment of the app under test: development secret, DEBUG off, hashed static files
    served by WhiteNoise, the given database, bench settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        WAYPOINT_DEV="1",
        DEBUG="0",
        DATABASE_URL=db.url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
        WAYPOINT_BENCH_STATIC_ROOT=str(WORK / "static"),
        PYTHONDONTWRITEBYTECODE="1",
        # The app's 2 s connect timeout fails now and then on this shared, saturated machine; a
        # slow connect then shows in the timings instead of as an error.
        DATABASE_CONNECT_TIMEOUT="20",
    )
    env.update(extra)
    return env


def manage(db: Database, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=app_env(db),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def run_module(db: Database, module: str, *args: str, timeout: float = 600) -> dict:
    result = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=app_env(db),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"python -m {module} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def copy_db(src: Path, dst: Path, journal: str = "wal") -> Database:
    """A fresh copy of the seeded SQLite snapshot for one server run."""
    import sqlite3

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    con = sqlite3.connect(dst)
    mode = con.execute(f"PRAGMA journal_mode={journal.upper()}").fetchone()[0]
    con.close()
    if mode.lower() != journal:
        raise RuntimeError(f"could not set journal_mode={journal} on {dst} (got {mode})")
    return Database.sqlite(dst)


class WaypointServer(Server):
    name = "waypoint"
    ready_path = "/_bench/health"

    def __init__(self, port: int, workdir: Path, db: Database, config: GunicornConfig):
        super().__init__(port, workdir)
        self.db = db
        self.config = config
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "error.log"

    def command(self) -> list[str]:
        c = self.config
        cmd = [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(c.workers),
            "--worker-class",
            c.worker_class,
            "--access-logfile",
            str(self.access_log),
            "--error-logfile",
            str(self.error_log),
            "--no-control-socket",
        ]
        if c.worker_class == "gthread":
            cmd += ["--threads", str(c.threads)]
        return cmd

    def cwd(self) -> Path:
        return ROOT

    def env(self) -> dict[str, str]:
        if self.db.vendor != "sqlite":
            return app_env(self.db)
        return app_env(self.db, WAYPOINT_BENCH_JOURNAL=self.config.journal)

    def start(self, timeout: float = 90.0) -> Server:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for path in (self.access_log, self.error_log):
            path.unlink(missing_ok=True)
        return super().start(timeout)

    def log_tail(self, n: int = 30) -> str:
        if not self.error_log.exists():
            return ""
        return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-n:])

    def log_counts(self) -> dict[str, int]:
        """Error lines in gunicorn's error log (Django logs 5xx there) and non-2xx access lines
        (bench probes excluded)."""
        errors = self.error_log.read_text(errors="replace").splitlines()
        access = self.access_log.read_text(errors="replace").splitlines()
        non2xx = 0
        for line in access:
            parts = line.split('"')
            if len(parts) >= 3 and "/_bench/" not in parts[1]:
                status = parts[2].split()[0] if parts[2].split() else ""
                non2xx += not status.startswith("2")
        return {
            "server_log_error_lines": sum(
                1 for x in errors if "ERROR" in x or "Traceback" in x or "locked" in x
            ),
            "server_log_locked_lines": sum(1 for x in errors if "database is locked" in x),
            "server_log_non2xx_access_lines": non2xx,
            "access_log_lines": len(access),
        }


def login_session(base_url: str, username: str, password: str = DEMO_PASSWORD) -> requests.Session:
    """A browser-like logged-in session (session cookie, CSRF handled)."""
    s = requests.Session()
    r = s.get(base_url + "/accounts/login/", timeout=30)
    r.raise_for_status()
    token = s.cookies.get("csrftoken")
    r = s.post(
        base_url + "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base_url + "/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if r.status_code != 302 or "sessionid" not in s.cookies:
        raise RuntimeError(f"login as {username} failed: {r.status_code}")
    return s


def token_session(token: str, keepalive: bool = True) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    s.headers["Content-Type"] = "application/json"
    if not keepalive:
        s.headers["Connection"] = "close"
    return s


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    """One line of the table: a figure, the peer's figure if comparable, and a goal if any."""

    metric: str
    value: Any
    peer: Any = None
    ratio: float | None = None
    goal: str = ""
    passed: bool | None = None


@dataclass
class SectionResult:
    figures: dict[str, Any]
    rows: list[Row]
    goals: dict[str, bool] = field(default_factory=dict)


@dataclass
class Context:
    """What the orchestrator prepared for one engine's pass: the seeded snapshot (a SQLite file, or
    a PostgreSQL template database on the run's one server), fixtures, tokens and options.
    `shared` is the same dict in every pass (the MLflow figures, measured once)."""

    args: Any
    engine: str  # "postgresql" or "sqlite"
    snapshot: Database
    fixtures: dict[str, Any]
    tokens: dict[str, str]
    config: GunicornConfig
    port: int
    postgres: BenchPostgres | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    results: dict[str, SectionResult] = field(default_factory=dict)

    @property
    def goals_here(self) -> bool:
        """Goals are stated on PostgreSQL; the SQLite pass prints its figures only."""
        return self.engine == "postgresql"

    def quiet(self) -> dict:
        return wait_for_quiet(self.args.quiet_wait) if self.args.quiet_wait > 0 else {}

    def describe(self) -> str:
        return self.config.describe(self.engine)

    def database(self, name: str, journal: str | None = None, template: Database | None = None):
        """A fresh database for one server run or probe: a copy of the seeded snapshot (or of
        `template`): SQLite: a file copy under WORK/sqlite/<name>/; PostgreSQL: CREATE DATABASE ...
        TEMPLATE on the run's server."""
        source = template or self.snapshot
        if self.engine == "sqlite":
            workdir = WORK / "sqlite" / name
            workdir.mkdir(parents=True, exist_ok=True)
            assert source.path is not None
            return copy_db(source.path, workdir / "db.sqlite3", journal or self.config.journal)
        assert self.postgres is not None and source.name is not None
        return self.postgres.create(pg_name(name), template=source.name)

    def waypoint(self, name: str, journal: str | None = None) -> WaypointServer:
        """A gunicorn server on a fresh copy of the seeded database (start it with `with`)."""
        workdir = WORK / self.engine / name
        workdir.mkdir(parents=True, exist_ok=True)
        config = self.config
        if journal and journal != config.journal:
            config = dataclasses.replace(config, journal=journal)
        db = self.database(name, config.journal)
        return WaypointServer(free_port(self.port), workdir, db, config)
