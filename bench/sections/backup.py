"""Issue 13, "Speed": `export_portfolio` and `import_portfolio` of the 2,000-project bench
portfolio (the portfolio section's cached seed, copied with CREATE DATABASE ... TEMPLATE) with a
1,000,000-row demo dataset added, on the run's durable PostgreSQL server (fsync on, as for every
goal). Each command runs as a process of its own; its wall time and peak memory (ru_maxrss from
wait4) are measured. Goal: each <= 60 s and <= 1 GB.

Setup (not measured against the goal, reported): bench/backup_probe.py stores the million rows
through the upload's path, and an empty database is migrated for the import. After the measured
import, the restored database is exported again: its tables' checksums must equal the source's
(an exact round trip at this size).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

from ..common import PYTHON, ROOT, WORK, Context, Row, SectionResult, app_env, host_busy_cpu_s, log
from . import portfolio

NAME = "backup"
TITLE = "Backup and restore: 2,000 projects and a 1,000,000-row demo on PostgreSQL (issue 13)"

SECONDS_GOAL = 60.0
MEMORY_GOAL_MB = 1024.0


def command(env: dict[str, str], workdir: Path, *args: str) -> dict[str, Any]:
    """manage.py `args` in a process of its own: wall seconds, peak RSS, CPU, the machine's."""
    name = args[0]
    with open(workdir / f"{name}.out", "w") as out, open(workdir / f"{name}.err", "w") as err:
        host0, t0 = host_busy_cpu_s(), time.perf_counter()
        process = subprocess.Popen(
            [PYTHON, "manage.py", *args, "--no-progress"], cwd=ROOT, env=env, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - t0
        host = host_busy_cpu_s() - host0
    if os.waitstatus_to_exitcode(status) != 0:
        tail = (workdir / f"{name}.err").read_text()[-3000:]
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{tail}")
    own = usage.ru_utime + usage.ru_stime
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        "own_cpu_s": round(own, 1),
        # The database server's work is outside the command's CPU: the machine's busy share
        # (both cores) says how much else ran, PostgreSQL included.
        "machine_busy_share": round(host / (seconds * (os.cpu_count() or 1)), 2),
        "output": (workdir / f"{name}.out").read_text().strip(),
    }


def checksums(archive: Path) -> dict[str, tuple[int, str]]:
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
    return {t["table"]: (t["rows"], t["sha256"]) for t in manifest["tables"]}


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )


def run(ctx: Context) -> SectionResult:
    """On the PostgreSQL pass only (the goal is PostgreSQL's): the cached 2,000-project seed,
    copied, plus a 1,000,000-row demo; exported, imported into an empty database, and the
    restored one exported again to compare."""
    figures: dict[str, Any] = {}
    if ctx.engine != "postgresql" or ctx.postgres is None:
        reason = "measured on PostgreSQL only"
        return SectionResult({"skipped": reason}, [Row("backup", reason)], {})
    seed_db, seed = portfolio.seeded_db(ctx)
    figures["seed"] = seed
    workdir = WORK / NAME
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*.zip"):
        old.unlink()
    source = app_env(ctx.database("backup_source", template=seed_db))
    restored = app_env(ctx.postgres.create("b_backup_restored"))
    log("backup: a 1,000,000-row demo dataset")
    probe = subprocess.run(
        [PYTHON, "-m", "bench.backup_probe"],
        cwd=ROOT, env=source, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if probe.returncode != 0:
        raise RuntimeError(f"backup probe failed:\n{probe.stderr[-3000:]}")
    figures["demo"] = json.loads(probe.stdout.strip().splitlines()[-1])
    migrate(restored)
    figures["quiet_gate"] = ctx.quiet()
    log("backup: export (measured)")
    archive = workdir / "portfolio.zip"
    figures["export"] = command(source, workdir, "export_portfolio", str(archive))
    figures["archive_mb"] = round(archive.stat().st_size / 1e6, 1)
    figures["quiet_gate_import"] = ctx.quiet()
    log("backup: import into an empty database (measured)")
    figures["import"] = command(restored, workdir, "import_portfolio", str(archive))
    log("backup: the restored database exported again, to compare")
    again = workdir / "restored.zip"
    command(restored, workdir, "export_portfolio", str(again))
    before, after = checksums(archive), checksums(again)
    figures["rows"] = sum(rows for rows, _ in before.values())
    figures["tables"] = len(before)
    figures["identical_after_restore"] = before == after
    return SectionResult(figures, *_rows(figures))


def _rows(figures: dict[str, Any]) -> tuple[list[Row], dict[str, bool]]:
    rows = [
        Row("rows in the archive (tables)", f"{figures['rows']:,} ({figures['tables']})"),
        Row("archive size", f"{figures['archive_mb']} MB"),
        Row("demo rows stored for the run (setup)", f"{figures['demo']['rows']:,} in "
            f"{figures['demo']['store_s']} s"),
    ]  # fmt: skip
    goals = {}
    for step in ("export", "import"):
        f = figures[step]
        passed = f["seconds"] <= SECONDS_GOAL and f["peak_rss_mb"] <= MEMORY_GOAL_MB
        goals[step] = passed
        rows.append(
            Row(
                f"{step}_portfolio: wall time, peak memory (own CPU; machine busy)",
                f"{f['seconds']} s, {f['peak_rss_mb']} MB ({f['own_cpu_s']} s CPU; "
                f"{f['machine_busy_share']:.0%})",
                goal="<= 60 s, <= 1 GB",
                passed=passed,
            )
        )
    same = figures["identical_after_restore"]
    goals["identical_after_restore"] = same
    rows.append(Row("restored database exported again: every table's checksum equal", same,
                    goal="equal", passed=same))  # fmt: skip
    return rows, goals
