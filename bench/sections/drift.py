"""Monitoring, "drift": the PSI of a 1,000,000-row live dataset against the 1,000,000-row model
version it is served by, on a copy of the bench snapshot (each engine), in-process
(bench/drift_probe.py: the selector and the write that keeps the figure are timed, not HTTP).

Goal: the first PSI (nothing cached) <= 2 s.
"""

from __future__ import annotations

from ..common import Context, Row, SectionResult, log, run_module

NAME = "drift"
TITLE = "Drift: PSI of a 1,000,000-row live dataset against its version (Monitoring)"
GOAL_S = 2.0


def run(ctx: Context) -> SectionResult:
    db = ctx.database("drift")
    quiet = ctx.quiet()
    log("drift: storing 2 x 1,000,000 rows, then timing the PSI")
    figures = run_module(db, "bench.drift_probe", timeout=900)
    figures["quiet_gate"] = quiet
    passed = figures["psi_first_s"] <= GOAL_S
    rows = [
        Row(
            "PSI, 1M live rows vs 1M of its version: first / median of 3 (s)",
            f"{figures['psi_first_s']} / {figures['psi_median_s']}",
            goal=f"≤ {GOAL_S:g} s",
            passed=passed,
        ),
        Row(
            "queries per PSI (9 decile edges, 9 range counts per dataset)",
            figures["psi_queries"],
        ),
        Row(
            "mark as live traffic (the write storing the figure): s / queries",
            f"{figures['mark_live_s']} / {figures['mark_live_queries']}",
        ),
        Row(
            "PSI found (level), bands", f"{figures['psi']} ({figures['level']}), {figures['bands']}"
        ),
        Row("storing 2 x 1M rows (setup, upload's storing path) s", figures["store_s"]),
    ]
    return SectionResult(figures, rows, {"psi_1m_le_2s": passed})
