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


class Postgres:
    def __init__(self, workdir: Path):
        self.bin = postgres_bin_dir()
        self.data = workdir / "pg"
        self.port = free_port()
        # initdb refuses to run as root: as root, run the server as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> str:
        self.data.mkdir()
        if self.as_user:
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.data / "server.log",
                  "-w", "start")  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/waypoint"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)

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
