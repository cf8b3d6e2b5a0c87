#!/usr/bin/env python3
"""Run a command (the test suite) with its own PostgreSQL and Redis, started on loopback and
stopped again when the command ends, whatever happens.

Missing system packages are installed with apt-get when running as root; otherwise the script
stops with the command that installs them. Standard library only: it runs before the venv matters.

    python scripts/with_services.py .venv/bin/pytest -x
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APT_PACKAGES = {
    "redis-server": "redis-server",
    "initdb": "postgresql",
    "chromium": "chromium",
}


def postgres_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def missing_packages() -> list[str]:
    missing = []
    if not shutil.which("redis-server"):
        missing.append(APT_PACKAGES["redis-server"])
    if postgres_bin_dir() is None:
        missing.append(APT_PACKAGES["initdb"])
    if not Path("/usr/bin/chromium").exists():
        missing.append(APT_PACKAGES["chromium"])
    return missing


def ensure_system_packages() -> None:
    missing = missing_packages()
    if not missing:
        return
    install = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() != 0:
        sys.exit(
            f"The test suite needs {', '.join(missing)}. Install them with:\n"
            f"  sudo apt-get update && sudo {' '.join(install)}"
        )
    print(f"Installing {', '.join(missing)} with apt-get ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(install, check=True, env=env, stdout=subprocess.DEVNULL)
    if still := missing_packages():
        sys.exit(f"apt-get finished but {', '.join(still)} is still missing.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not start listening on 127.0.0.1:{port} within {timeout:.0f} s.")


# The test suite's server: nothing survives it, so durability is off (speed only).
TEST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}

# A production-like server (`make bench` measures on it; docker-compose.yml's postgres service
# runs with the same settings): durable, as PostgreSQL ships (fsync, synchronous_commit and
# full_page_writes on), with memory and checkpoint settings for a small host (a few GB of RAM,
# 2 cores, an SSD). bench/README.md gives the reason for each.
DURABLE_SETTINGS = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "shared_buffers": "512MB",
    "effective_cache_size": "2GB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "wal_buffers": "16MB",
    "max_wal_size": "4GB",
    "min_wal_size": "512MB",
    "checkpoint_timeout": "15min",
    "checkpoint_completion_target": "0.9",
    "random_page_cost": "1.1",
}


class Postgres:
    """A private server on a free loopback port. `durable=True` (the bench) runs it with
    DURABLE_SETTINGS, keeps its data directory between runs (an existing one is started again,
    not made anew) and stops it cleanly; otherwise (the test suite) TEST_SETTINGS, a fresh data
    directory, and an immediate stop."""

    def __init__(self, workdir: Path, durable: bool = False):
        self.bin = postgres_bin_dir()
        self.data = workdir / "pg"
        self.port = free_port()
        self.durable = durable
        self.settings = DURABLE_SETTINGS if durable else TEST_SETTINGS
        # initdb refuses to run as root: as root, run the server as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> str:
        if not (self.durable and (self.data / "PG_VERSION").exists()):
            # A kept directory without PG_VERSION is an initdb that was cut short: start again.
            shutil.rmtree(self.data, ignore_errors=True)
            self.data.mkdir()
            if self.as_user:
                shutil.chown(self.data, "postgres")
            sync = [] if self.durable else ["--no-sync"]
            self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C", *sync)  # fmt: skip
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 " + " ".join(
            f"-c {name}={value}" for name, value in self.settings.items()
        )
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.data / "server.log",
                  "-w", "-t", "300", "start")  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/waypoint"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            mode = "fast" if self.durable else "immediate"
            self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "120", "stop", check=False)

    def _run(self, program: str, *args, check: bool = True) -> None:
        command = [*self.as_user, str(self.bin / program), *map(str, args)]
        subprocess.run(command, check=check, stdout=subprocess.DEVNULL)


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, "Redis")
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def main(command: list[str]) -> int:
    if not command:
        sys.exit(__doc__)
    ensure_system_packages()
    workdir = Path(tempfile.mkdtemp(prefix="waypoint-test-"))
    workdir.chmod(0o755)  # the postgres user must reach its data folder inside
    postgres, redis = Postgres(workdir), Redis()
    # A SIGTERM (CI cancelling the job) must still stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        env = {
            **os.environ,
            "DATABASE_URL": postgres.start(),
            "REDIS_URL": redis.start(),
            "WAYPOINT_TEST_SERVICES": "1",
        }
        return subprocess.run(command, env=env).returncode
    finally:
        redis.stop()
        postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
