"""Monitoring issue, part 3, "Speed": building the week's digests for 2,000 projects and 500
people (bench/digests_probe.py on a copy of the snapshot, each engine). Goal: <= 60 s of worker
(CPU) time."""

from __future__ import annotations

import json
import subprocess

from ..common import PYTHON, ROOT, Context, Row, SectionResult, app_env, log

NAME = "digests"
TITLE = "Weekly digests for 2,000 projects and 500 people (monitoring, part 3)"
GOAL_S = 60.0


def run(ctx: Context) -> SectionResult:
    db = ctx.database("digests")
    log("digests: seeding 2,000 projects and 500 people, then building every digest")
    result = subprocess.run(
        [PYTHON, "-m", "bench.digests_probe"],
        cwd=ROOT,
        env=app_env(db),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(f"digests probe failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    passed = figures["worker_cpu_s"] <= GOAL_S
    total = sum(figures["digests"].values())
    rows = [
        Row(
            f"build + render {total} digests ({figures['digests']})",
            f"{figures['worker_cpu_s']} s CPU, {figures['wall_s']} s wall",
            goal=f"<= {GOAL_S:.0f} s worker time",
            passed=passed,
        ),
        Row("queries for the whole week's digests", figures["queries"]),
    ]
    return SectionResult(figures=figures, rows=rows, goals={"build_s": passed})
