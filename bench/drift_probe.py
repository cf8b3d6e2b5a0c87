"""The drift section's measurement, in-process on the database DATABASE_URL names: two datasets of
ROWS rows each (a model version and its live traffic) stored through the upload's own path
(demos/services/storing.py), then the PSI of one against the other timed
(demos/selectors/drift.py: psi) and the write that keeps it (dataset_mark_live).

    python -m bench.drift_probe [--rows N] [--migrate]

Run by the orchestrator on a copy of the bench snapshot (SQLite); with `--migrate` it also runs
on an empty database, e.g. PostgreSQL from scripts/with_services.py (bench/README.md). Prints one
JSON object on its last stdout line.
"""

import argparse
import json
import os
import statistics
import sys
import time

import django

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Membership, Role, Team, User  # noqa: E402
from bench.common import host_busy_cpu_s  # noqa: E402
from demos.models import Dataset  # noqa: E402
from demos.selectors.drift import psi  # noqa: E402
from demos.services import demo_create  # noqa: E402
from demos.services.live import dataset_mark_live  # noqa: E402
from demos.services.storing import insert_order, store_examples  # noqa: E402
from lifecycle import services as lifecycle_services  # noqa: E402

ROWS = 1_000_000
SEED = 11
REPEATS = 3


def _store(demo, version: str, scores: np.ndarray) -> Dataset:
    """A ready dataset of `scores`, stored as an upload stores its rows (in its insert order)."""
    dataset = Dataset.objects.create(demo=demo, model_version=version, scale=demo.scale)
    order = insert_order(scores)
    total = len(scores)

    def values(start: int, stop: int) -> dict:
        rows = order[start:stop]
        return {
            "row": (rows + 2).tolist(),
            "external_id": [f"r{i}" for i in rows.tolist()],
            "score": scores[rows].tolist(),
            "top_class": [""] * len(rows),
            "fields": ["{}"] * len(rows),
        }

    store_examples(dataset.pk, total, values, lambda stored: None)
    Dataset.objects.filter(pk=dataset.pk).update(ready=True, row_count=total)
    dataset.refresh_from_db()
    return dataset


def _demo():
    user, _ = User.objects.get_or_create(username="bench-drift")
    team, _ = Team.objects.get_or_create(slug="bench-drift", defaults={"name": "Bench drift"})
    Membership.objects.get_or_create(team=team, user=user, defaults={"role": Role.OWNER})
    project = lifecycle_services.project_create(
        team=team,
        name=f"Bench drift {time.time():.0f}",
        summary="Drift timing.",
        owner=user,
        by=user,
    )
    return demo_create(project=project, title="Live traffic against its version", by=user)


def _timed(fn) -> tuple[float, object, int]:
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
    return seconds, result, len(queries)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=ROWS)
    ap.add_argument("--migrate", action="store_true", help="migrate the database first")
    args = ap.parse_args(argv)
    if args.migrate:
        call_command("migrate", "--noinput", verbosity=0)
    rng = np.random.default_rng(SEED)
    demo = _demo()
    t0 = time.perf_counter()
    reference = _store(demo, "v3", rng.beta(2, 2, args.rows))
    live = _store(demo, "live", rng.beta(2.6, 2, args.rows))  # drifted a little
    stored_s = time.perf_counter() - t0
    print(f"stored 2 x {args.rows:,} rows in {stored_s:.1f} s", file=sys.stderr)

    host0, own0, wall0 = host_busy_cpu_s(), time.process_time(), time.perf_counter()
    runs = [_timed(lambda: psi(reference, live)) for _ in range(REPEATS)]
    wall, own = time.perf_counter() - wall0, time.process_time() - own0
    # Everyone else's CPU meanwhile (other tenants; on PostgreSQL its server processes too).
    other = max(host_busy_cpu_s() - host0 - own, 0.0)
    first_s, drift, queries = runs[0]
    mark_s, _, mark_queries = _timed(lambda: dataset_mark_live(dataset=live, reference=reference))
    figures = {
        "database": connection.vendor,
        "rows": args.rows,
        "store_s": round(stored_s, 1),
        "psi_first_s": round(first_s, 3),
        "psi_runs_s": [round(run[0], 3) for run in runs],
        "psi_median_s": round(statistics.median(run[0] for run in runs), 3),
        "psi_queries": queries,
        "psi": drift.value,
        "level": drift.level,
        "bands": len(drift.bins),
        "mark_live_s": round(mark_s, 3),
        "mark_live_queries": mark_queries,
        "psi_cpu": {
            "wall_s": round(wall, 3),
            "own_cpu_s": round(own, 3),
            "other_cpu_share": round(other / (wall * (os.cpu_count() or 1)), 3),
        },
    }
    if connection.vendor == "postgresql":
        # Just stored, the planner has no statistics of the new rows yet (it sorts instead of
        # reading the index); then as autovacuum leaves them: analysed, then vacuumed too
        # (index-only scans once the visibility map is set).
        for step, statement in (("analyze", "ANALYZE"), ("vacuum", "VACUUM ANALYZE")):
            with connection.cursor() as cursor:
                cursor.execute(f"{statement} demos_example")
            again = [_timed(lambda: psi(reference, live))[0] for _ in range(REPEATS)]
            figures[f"psi_after_{step}_s"] = [round(s, 3) for s in again]
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
